# Container jobs and services run through the real podman: an image built
# here from busybox and the machine's bash (no registry is reachable), the
# steps inside it over the job's folder, a service reached by its name from
# the container and by its published port from a job on the machine. Options
# and volumes that would reach the machine are refused; a missing image fails
# the job saying so; nothing is left running. Without an engine the run is
# refused before it starts.
source "$(dirname "$0")/common.sh"
command -v podman >/dev/null || skip "podman is not installed (make test installs it)"
command -v busybox >/dev/null || skip "busybox is not installed (make test installs it)"
cd "$TMP"

# This machine's limits: crun cannot raise the default rlimits nor use hybrid
# cgroups here, runc can; the images live in the test's folder.
cat > containers.conf <<'CONF'
[engine]
runtime = "runc"
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
CONF
cat > storage.conf <<CONF
[storage]
driver = "overlay"
graphroot = "$TMP/images"
runroot = "$TMP/images-run"
CONF
export CONTAINERS_CONF=$TMP/containers.conf CONTAINERS_STORAGE_CONF=$TMP/storage.conf
# Containers and images are the test's own (its storage); networks are the machine's: only the jobs' go.
on_exit 'podman rm -af -t 0 >/dev/null 2>&1; podman network ls -q --filter label=slipway.job | xargs -r podman network rm -f >/dev/null 2>&1; podman rmi -af >/dev/null 2>&1'


# The image: busybox's applets and bash with the libraries it loads.
mkdir -p rootfs/bin rootfs/etc rootfs/tmp
cp "$(command -v busybox)" rootfs/bin/busybox
for applet in $(busybox --list); do [[ -e rootfs/bin/$applet ]] || ln -s busybox "rootfs/bin/$applet"; done
cp "$(command -v bash)" rootfs/bin/bash
for lib in $(ldd "$(command -v bash)" | grep -o '/[^ ]*'); do mkdir -p "rootfs$(dirname "$lib")" && cp -L "$lib" "rootfs$lib"; done
echo "slipway test image" > rootfs/etc/slipway-image
tar -C rootfs -cf image.tar .

cat > build.yml <<'YAML'
resources:
  containers:
  - container: tools
    image: localhost/slipway-test:1
    env: {GREETING: $(greeting)}
variables:
  greeting: hello from the image
jobs:
- job: inside
  container: tools
  services:
    web:
      image: localhost/slipway-test:1
      ports: [8080]
      options: --health-cmd "wget -q -O /dev/null http://127.0.0.1:8080/" --health-interval 1s -e PAGE=web
  steps:
  - bash: echo "##vso[task.setvariable variable=token;issecret=true]t0k3n-inside"
  - script: |
      cat /etc/slipway-image
      echo "greeting=$GREETING token=$(token) mapped=$MAPPED"
      echo "sources=$(pwd)"
      mkdir -p out && echo "made in the container" > out/made.txt
      wget -q -O - http://web:8080/
      echo "##vso[task.setvariable variable=seen;isoutput=true]yes"
    name: probe
    env: {MAPPED: $(token)}
  - publish: out
    artifact: made
- job: beside
  services:
    web:
      image: localhost/slipway-test:1
      ports: [8080]
  steps:
  - bash: |
      test ! -e /etc/slipway-image && echo "on the machine"
      echo "port=$(Agent.Services.web.ports.8080)"
      for i in $(seq 100); do page=$(curl -sf "http://127.0.0.1:$(Agent.Services.web.ports.8080)/") && break; sleep 0.2; done
      echo "through the port: $page"
YAML
# A service runs its image's command: an httpd whose page names it.
# It is ready after 2 s: the health check is waited for.
podman import -q --change 'CMD ["sh","-c","mkdir -p /www && sleep 2 && echo served by ${PAGE:-a service} > /www/index.html && exec httpd -f -p 8080 -h /www"]' \
  image.tar localhost/slipway-test:1 >/dev/null

expect_exit 0 "$SLIPWAY" pipeline check --file build.yml
expect_contains "$OUT" "container"
expect_contains "$OUT" "podman"

expect_exit 0 "$SLIPWAY" run --file build.yml --follow
expect_contains "$OUT" "slipway test image"
expect_contains "$OUT" "greeting=hello from the image token=*** mapped=***"
expect_contains "$OUT" "sources=$TMP"
expect_contains "$OUT" "served by web"
expect_contains "$OUT" "starting service 'web' from image localhost/slipway-test:1"
expect_contains "$OUT" "waiting for service 'web' to be healthy"
expect_contains "$OUT" "on the machine"
expect_contains "$OUT" "through the port: served by a service"
[[ $OUT != *t0k3n-inside* ]] || die "the secret reached the log: $OUT"
port=$(grep -o 'port=[0-9]*' <<<"$OUT" | head -1)
[[ $port =~ ^port=[0-9]+$ ]] || die "no service port was given to the job on the machine: $OUT"
expect_exit 0 "$SLIPWAY" artifact get made --run 1 --to got
[[ $(cat got/made.txt) == "made in the container" ]] || die "the container's file was not published: $(ls -R got)"
leftover=$(podman ps -aq --filter label=slipway.job)
[[ -z $leftover ]] || die "containers were left running: $leftover"
[[ -z $(podman network ls -q --filter label=slipway.job) ]] || die "a job network was left"
leftover=$(find .slipway/work -name '.step-env-*' -o -name '.container-env-*')
[[ -z $leftover ]] || die "environment files were left: $leftover"

# Options and volumes that would reach the machine.
cat > privileged.yml <<'YAML'
jobs:
- job: j
  container:
    image: localhost/slipway-test:1
    options: --privileged
  steps: [{script: id}]
YAML
expect_exit 2 "$SLIPWAY" run --file privileged.yml
expect_contains "$ERR" "privileged.yml:5:14: container option '--privileged' is not allowed"
for volume in "$TMP/.slipway:/state" ".slipway:/state" "/run/podman/podman.sock:/s"; do
  printf 'jobs:\n- job: j\n  container:\n    image: localhost/slipway-test:1\n    volumes: ["%s"]\n  steps: [{script: ls /state}]\n' "$volume" > volume.yml
  expect_exit 2 "$SLIPWAY" run --file volume.yml
  expect_contains "$ERR" "volume.yml:4:5: container: volume '$volume' is not mounted: only named volumes (NAME:/path) are"
done

# An image that is nowhere: the job fails saying which.
cat > missing.yml <<'YAML'
jobs:
- job: j
  container: localhost/not-here:1
  steps: [{script: echo never}]
YAML
expect_exit 1 "$SLIPWAY" run --file missing.yml --follow
expect_contains "$OUT$ERR" "the job's container (image localhost/not-here:1) did not start"
[[ $OUT != *never* ]] || die "a step ran without its container"

# Ctrl-C while a step runs in the container: what it started there is
# killed before the always() step, and the container goes with the job.
cat > slow.yml <<'YAML'
jobs:
- job: j
  container: localhost/slipway-test:1
  steps:
  - script: (sleep 300 &); touch started; sleep 301
  - script: echo "left=$(ps | grep -c '[s]leep 30')"
    condition: always()
YAML
"$SLIPWAY" run --file slow.yml --follow > cancel.out 2>&1 &
runner=$!
started() { [[ -n $(find .slipway/work -path '*/s/started' 2>/dev/null) ]]; }
for _ in $(seq 1 500); do started && break; sleep 0.05; done
started || die "the step never started: $(cat cancel.out)"
kill -INT "$runner"
set +e; wait "$runner"; code=$?; set -e
[[ $code == 1 ]] || die "the canceled run exited $code: $(cat cancel.out)"
grep -q "left=0" cancel.out || die "processes were left in the container: $(cat cancel.out)"
[[ -z $(podman ps -aq --filter label=slipway.job) ]] || die "the canceled job's container was left"

# No engine on PATH: refused before the run, at the key.
mkdir -p nobin && ln -s "$(command -v bash)" nobin/bash
expect_exit 2 env PATH="$TMP/nobin" "$SLIPWAY" run --file missing.yml
expect_contains "$ERR" "missing.yml:3:14: job 'j' runs in container 'localhost/not-here:1', but container jobs need docker or podman; neither is installed"
[[ -z $(podman ps -aq --filter label=slipway.job) ]] || die "containers were left running"
