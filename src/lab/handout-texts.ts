/** The words of a handout, in English and Chinese. */
export const LANGS = ["en", "zh"] as const;
export type Lang = (typeof LANGS)[number];

export interface HandoutTexts {
  readonly title: (course: string) => string;
  readonly hello: (name: string) => string;
  readonly yourServer: string;
  readonly address: string;
  readonly user: string;
  readonly port: string;
  readonly fingerprint: string;
  readonly app: string;
  readonly expires: string;
  readonly keyFile: string;
  readonly ownKey: string;
  readonly firstSteps: string;
  readonly stepKey: string;
  readonly stepKeyWindows: string;
  readonly stepSsh: string;
  readonly stepFingerprint: (fp: string) => string;
  readonly stepDocker: string;
  readonly stepConda: string;
  readonly keepSecret: string;
  readonly endNote: string;
  readonly none: string;
}

export const TEXTS: Record<Lang, HandoutTexts> = {
  en: {
    title: (c) => `Your lab server — ${c}`,
    hello: (n) => `Hello ${n},`,
    yourServer: "this server is yours for the course: Docker and conda are installed, and nobody else logs in to it.",
    address: "Address",
    user: "User",
    port: "SSH port",
    fingerprint: "Host key",
    app: "App",
    expires: "The server is deleted at",
    keyFile: "Your private key is the file `id_ed25519` next to this handout.",
    ownKey: "Log in with the SSH key whose public half you gave your instructor.",
    firstSteps: "First steps",
    stepKey: "Keep the key private to you (ssh refuses a key others can read):",
    stepKeyWindows: "On Windows, in PowerShell: `icacls id_ed25519 /inheritance:r /grant:r \"$env:USERNAME:R\"`.",
    stepSsh: "Log in:",
    stepFingerprint: (fp) => `The first time, ssh asks whether to trust the server: answer yes only if the fingerprint it shows is ${fp}.`,
    stepDocker: "See the containers running on your server:",
    stepConda: "Use the course's Python environment:",
    keepSecret: "Do not share your key: anyone who has it can log in as you.",
    endNote: "Copy anything you want to keep off the server before then.",
    none: "—",
  },
  zh: {
    title: (c) => `你的实验服务器 — ${c}`,
    hello: (n) => `${n}，你好：`,
    yourServer: "这台服务器在本课程期间归你一人使用：已装好 Docker 和 conda，别人不会登录。",
    address: "地址",
    user: "用户名",
    port: "SSH 端口",
    fingerprint: "主机密钥",
    app: "应用",
    expires: "服务器删除时间",
    keyFile: "你的私钥是与本讲义同目录的文件 `id_ed25519`。",
    ownKey: "请用你交给老师的公钥所对应的 SSH 私钥登录。",
    firstSteps: "第一步",
    stepKey: "私钥只能你自己可读（否则 ssh 会拒绝使用）：",
    stepKeyWindows: "Windows 下在 PowerShell 中执行：`icacls id_ed25519 /inheritance:r /grant:r \"$env:USERNAME:R\"`。",
    stepSsh: "登录：",
    stepFingerprint: (fp) => `第一次连接时 ssh 会询问是否信任这台服务器：只有当显示的指纹是 ${fp} 时才回答 yes。`,
    stepDocker: "查看服务器上运行的容器：",
    stepConda: "进入课程的 Python 环境：",
    keepSecret: "不要把私钥发给别人：拿到它的人都能以你的身份登录。",
    endNote: "请在此之前把需要保留的文件复制出来。",
    none: "—",
  },
};
