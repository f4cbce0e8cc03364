#!/usr/bin/env bash
# Builds the release archive: artifacts/actornet-<version>-linux-x64.tar.gz (and a .sha256 beside it).
#
#   deploy/release.sh [--output DIR]
#
# The archive holds one directory, actornet-<version>-linux-x64/, with:
#   actornet                  the self-contained executable (.NET runtime and ASP.NET Core inside: no .NET needed)
#   libe_sqlite3.so           SQLite, loaded from beside the executable
#   actornet.conf             a starting configuration        -> /etc/actornet/actornet.conf
#   actornet.env              the secrets file, commented      -> /etc/actornet/actornet.env
#   actornet.service          the systemd unit                 -> /etc/systemd/system/actornet.service
#   README.txt                install, upgrade, logs
#
# The version is Directory.Build.props' <Version>. The build goes to a temporary directory of its own
# (--artifacts-path), so it neither reads nor disturbs the bin/ and obj/ of a development build. It needs the .NET
# SDK and the NuGet packages Microsoft.NETCore.App.Runtime.linux-x64 and Microsoft.AspNetCore.App.Runtime.linux-x64
# (restored like any package); the machine that runs the archive needs neither.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
output="$repo/artifacts"
rid="linux-x64"

while [ $# -gt 0 ]; do
  case "$1" in
    --output) output="$2"; shift 2 ;;
    --output=*) output="${1#--output=}"; shift ;;
    -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "release.sh: unknown argument \"$1\"; expected --output DIR" >&2; exit 2 ;;
  esac
done

cd "$repo"
version="$(dotnet msbuild src/ActorNet.Host/ActorNet.Host.csproj -getProperty:Version)"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
  echo "release.sh: Directory.Build.props gives Version \"$version\"; expected MAJOR.MINOR.PATCH" >&2
  exit 1
fi
name="actornet-$version-$rid"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stage="$work/$name"

# Self-contained single file, no symbols: the properties are in src/ActorNet.Host/ActorNet.Host.csproj, applied
# whenever a runtime identifier is given. ContinuousIntegrationBuild: no paths of this machine in the binaries.
dotnet publish src/ActorNet.Host/ActorNet.Host.csproj -c Release -r "$rid" \
  --artifacts-path "$work/build" -o "$stage" -p:ContinuousIntegrationBuild=true -nologo

cp deploy/release/actornet.conf deploy/release/actornet.env deploy/release/README.txt "$stage/"
cp deploy/systemd/actornet.service "$stage/"
chmod 0755 "$stage/actornet"
find "$stage" -type f ! -name actornet -exec chmod 0644 {} +

# What the archive promises, checked before it is written: the executable runs without any .NET on PATH and
# reports this version; the configuration it ships is valid.
printed="$(env -u DOTNET_ROOT PATH=/usr/sbin:/sbin "$stage/actornet" --version)"
if [ "$printed" != "$version" ]; then
  echo "release.sh: $name/actornet --version printed \"$printed\"; expected \"$version\"" >&2
  exit 1
fi
env -u DOTNET_ROOT PATH=/usr/sbin:/sbin "$stage/actornet" check-config "$stage/actornet.conf" >/dev/null

# Same sources, same archive bytes: entries sorted, owned by root, dated by the last commit; gzip without a name
# or time stamp.
epoch="$(git log -1 --format=%ct 2>/dev/null || date +%s)"
mkdir -p "$output"
archive="$output/$name.tar.gz"
tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -cf - "$name" | gzip -n -9 > "$archive.tmp"
mv "$archive.tmp" "$archive"
(cd "$output" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "$archive"
