#!/usr/bin/env bash
# A one-node Slurm cluster on this machine (Debian's slurm-wlm and munge), to try deploy/slurm/ for
# real and for the tests. Needs root.
#
#   deploy/slurm/local-cluster.sh up       install slurm-wlm + munge with apt when missing, then start
#                                          munged, slurmctld and slurmd (does nothing when already up)
#   deploy/slurm/local-cluster.sh down     stop them (the folder below is kept: logs, job records)
#   deploy/slurm/local-cluster.sh status   exit 0 when the node answers and is usable
#   deploy/slurm/local-cluster.sh env      print the line to use the cluster from a shell:
#                                          eval "$(deploy/slurm/local-cluster.sh env)"; sinfo
#
# Everything lives under $MINING_LULC_SLURM_DIR (default /var/spool/mining-lulc-slurm): slurm.conf, a
# private munge key and socket, the controller's state, logs, and jobcomp.txt, one line per finished
# job or array task with its ExitCode (there is no slurmdbd here, so no sacct; `scontrol show job ID`
# also keeps a finished job for MinJobAge = 1 hour).
# The node is NodeName=localhost NodeAddr=127.0.0.1 with this machine's cores and 90 % of its memory,
# in partition "local"; the daemons are addressed on 127.0.0.1 only, ports $MINING_LULC_SLURM_PORT
# (slurmctld, default 6817) and the next one (slurmd). Process tracking by /proc (proctrack/linuxproc)
# and no task plugin (task/none), so no cgroups are needed. Jobs run as the user who submits them.
#
# `up` prints "SLURM_CONF=<file>" and "started" or "already running" as its last two lines.
set -euo pipefail
dir="${MINING_LULC_SLURM_DIR:-/var/spool/mining-lulc-slurm}"
port="${MINING_LULC_SLURM_PORT:-6817}"
conf="$dir/slurm.conf"
export SLURM_CONF="$conf"

say() { printf 'local-cluster: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

need_root() { [ "$(id -u)" = 0 ] || die "needs root (it starts slurmctld, slurmd and munged as root)"; }

install_packages() {
  local missing=0 t
  for t in slurmctld slurmd munged sbatch scontrol sinfo; do command -v "$t" >/dev/null || missing=1; done
  [ "$missing" = 0 ] && return 0
  command -v apt-get >/dev/null || die "slurm-wlm and munge are not installed, and there is no apt-get to install them"
  say "installing slurm-wlm and munge with apt ..."
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null \
    || die "apt-get install slurm-wlm munge failed"
  # Debian's packages start nothing here; make sure no packaged daemon holds the default ports or socket.
}

write_config() {
  mkdir -p "$dir"/{munge-key,munge,ctld,spool,log}
  chmod 700 "$dir/munge-key"; chmod 755 "$dir" "$dir/munge"
  if [ ! -s "$dir/munge-key/munge.key" ]; then
    dd if=/dev/urandom of="$dir/munge-key/munge.key" bs=1024 count=1 status=none
    chmod 400 "$dir/munge-key/munge.key"
  fi
  local cpus mem
  cpus="$(nproc)"
  mem="$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)"
  cat >"$conf.tmp" <<EOF
# Written by deploy/slurm/local-cluster.sh: a one-node cluster on 127.0.0.1.
ClusterName=mininglulc
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket.2
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
MinJobAge=3600
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$conf.tmp" "$conf"
}

munge_up() { munge -S "$dir/munge/munge.socket.2" -n </dev/null 2>/dev/null | unmunge -S "$dir/munge/munge.socket.2" >/dev/null 2>&1; }

node_state() { sinfo -h -N -n localhost -o '%T' 2>/dev/null | head -n 1; }

usable() {
  scontrol ping 2>/dev/null | grep -q 'is UP' || return 1
  case "$(node_state)" in idle*|mixed*|allocated*|completing*) return 0 ;; *) return 1 ;; esac
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

up() {
  need_root
  install_packages
  mkdir -p "$dir"
  exec 8>>"$dir/.lock"; flock 8   # two 'up' at once (two test runs) start one cluster
  if [ -f "$conf" ] && munge_up && usable; then
    echo "SLURM_CONF=$conf"; echo "already running"; return 0
  fi
  write_config
  if ! munge_up; then
    alive "$dir/munge/munged.pid" && kill "$(cat "$dir/munge/munged.pid")" 2>/dev/null || true
    munged --force --key-file="$dir/munge-key/munge.key" --socket="$dir/munge/munge.socket.2" \
      --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed" --log-file="$dir/log/munged.log" 8>&- \
      || die "munged did not start (see $dir/log/munged.log)"
    for _ in $(seq 50); do munge_up && break; sleep 0.1; done
    munge_up || die "munged does not answer on $dir/munge/munge.socket.2 (see $dir/log/munged.log)"
  fi
  # (8>&-: the daemons must not inherit, and so hold forever, the lock of this script)
  alive "$dir/slurmctld.pid" || slurmctld -f "$conf" 8>&- || die "slurmctld did not start (see $dir/log/slurmctld.log)"
  alive "$dir/slurmd.pid" || slurmd -f "$conf" -N localhost 8>&- || die "slurmd did not start (see $dir/log/slurmd.log)"
  for _ in $(seq 60); do usable && break; sleep 0.5; done
  if ! usable; then
    # A node left down or drained by an earlier run: bring it back.
    scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true
    for _ in $(seq 20); do usable && break; sleep 0.5; done
  fi
  usable || die "the node did not come up: $(sinfo -N -h -o '%N %T %E' 2>&1 | head -n 1) (logs in $dir/log/)"
  echo "SLURM_CONF=$conf"; echo "started"
}

down() {
  need_root
  if [ -f "$conf" ]; then scontrol shutdown >/dev/null 2>&1 || true; fi
  local p
  for _ in $(seq 50); do
    alive "$dir/slurmctld.pid" || alive "$dir/slurmd.pid" || break
    sleep 0.2
  done
  for p in "$dir/slurmctld.pid" "$dir/slurmd.pid"; do alive "$p" && kill "$(cat "$p")" 2>/dev/null || true; done
  if alive "$dir/munge/munged.pid"; then
    munged -s --socket="$dir/munge/munge.socket.2" >/dev/null 2>&1 || kill "$(cat "$dir/munge/munged.pid")" 2>/dev/null || true
  fi
  say "stopped (state and logs kept in $dir)"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) [ -f "$conf" ] && munge_up && usable ;;
  env) echo "export SLURM_CONF=$conf" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
