# syntax=docker/dockerfile:1
# The mining-lulc CLI as an image: published with the .NET SDK, run on Debian 12 (bookworm) with
# Debian's GDAL (libgdal32). The image's entry point is the CLI itself:
#   docker build -t mining-lulc .
#   docker run --rm -v /data:/data mining-lulc run --region /data/andes --model /data/models/global.zip --out /data/out/andes
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD/out:/work/out" mining-lulc demo   # data-sample/ ships inside
# Microsoft publishes no Debian image for .NET 10 (only Ubuntu, Alpine and Azure Linux), so the build
# stage is the Ubuntu 24.04 SDK image and publishes self-contained for linux-x64: the runtime stage is
# plain Debian 12, with the .NET runtime inside /opt/mining-lulc and nothing else but GDAL.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
# Restore first, from the project files alone, so that the package layer is reused while only sources change.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/MiningLulc/MiningLulc.csproj src/MiningLulc/
COPY src/MiningLulc.Tools/MiningLulc.Tools.csproj src/MiningLulc.Tools/
COPY src/MiningLulc.Cli/MiningLulc.Cli.csproj src/MiningLulc.Cli/
RUN dotnet restore src/MiningLulc.Cli/MiningLulc.Cli.csproj -r linux-x64
# configs/ is compiled into the engine (the presets); data-sample/ is published beside the CLI (the demo).
COPY configs/ configs/
COPY data-sample/ data-sample/
COPY src/ src/
RUN dotnet publish src/MiningLulc.Cli/MiningLulc.Cli.csproj -c Release -r linux-x64 --self-contained --no-restore -o /out

FROM debian:bookworm-slim
# libgdal32 brings, through its own dependencies, all the rest the CLI loads: PROJ and its data,
# libgomp1 (LightGBM), fontconfig and DejaVu fonts (the plots), libstdc++.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgdal32 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out /opt/mining-lulc
RUN ln -s /opt/mining-lulc/mining-lulc /usr/local/bin/mining-lulc \
 && useradd --uid 10001 --create-home --home-dir /work mining
USER 10001
WORKDIR /work
ENTRYPOINT ["mining-lulc"]
CMD ["--help"]
