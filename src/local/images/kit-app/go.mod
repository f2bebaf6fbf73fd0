module berth.lab/app

go 1.19
