/** Images on the machine running berth, for `transfer: stream` (like `docker save | ssh host docker load`). */
import type { Readable } from "node:stream";
import Docker from "dockerode";
import type { ImageSource } from "./deploy.js";

export function localImageSource(docker = new Docker()): ImageSource {
  return {
    id: async (image) => {
      try {
        return (await docker.getImage(image).inspect()).Id;
      } catch {
        throw new Error(`image ${image} is not in the local Docker engine — build or pull it first (transfer: stream sends it from here)`);
      }
    },
    save: async (image) => (await docker.getImage(image).get()) as Readable,
  };
}
