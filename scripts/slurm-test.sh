#!/usr/bin/env bash
# Runs a small sweep on a real one-node Slurm cluster, the way a user runs one on a cluster:
# `tanglesim slurm` writes the submission script, which submits a job array of shards and a
# merge job. Checks that the merged sweep.csv and aggregate.csv equal a single-machine sweep
# byte for byte, and that a failing shard cancels the merge job instead of leaving it pending.
#
# Must run as root on Debian 12 (it installs Slurm and munge with apt-get and starts their
# daemons, without systemd); stops the daemons it started when it ends. Recipe:
# ../shared/notes/slurm-single-node.md. Time bound per wait: SLURM_TEST_TIMEOUT seconds (300).
set -euo pipefail
cd "$(dirname "$0")/.."
timeout_seconds=${SLURM_TEST_TIMEOUT:-300}

fail() { echo "slurm-test: FAIL: $*" >&2; exit 1; }
log() { echo "slurm-test: $*" >&2; }

[ "$(id -u)" -eq 0 ] || fail "run as root: it installs Slurm and starts its daemons"

# --- Install -------------------------------------------------------------------------------
scripts/install-dependencies.sh
packages=(slurmctld slurmd slurm-client munge)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

log "building tanglesim"
swift build -c release --product tanglesim >/dev/null
tanglesim="$(pwd)/.build/release/tanglesim"

# --- Start a one-node cluster (unless one is already up) ----------------------------------
started=()
stop_daemons() {
    # Stop only the daemons this script started, newest first, by the pids in their pid files.
    local index pidfile pid
    for ((index = ${#started[@]} - 1; index >= 0; index--)); do
        pidfile=${started[index]}
        [ -s "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
}
trap stop_daemons EXIT

if sinfo -h -N -o %T 2>/dev/null | grep -q idle; then
    log "using the Slurm cluster already running"
else
    mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
    chown munge:munge /run/munge
    if [ ! -e /etc/slurm/slurm.conf ] || grep -q "^# tanglesim slurm-test" /etc/slurm/slurm.conf; then
        cat > /etc/slurm/slurm.conf <<'CONF'
# tanglesim slurm-test: a one-node cluster (scripts/slurm-test.sh rewrites this file)
ClusterName=local
SlurmctldHost=localhost
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
NodeName=localhost CPUs=8 RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
    else
        fail "/etc/slurm/slurm.conf exists and is not this script's: not touching a real cluster's configuration"
    fi
    if ! pgrep -x munged >/dev/null; then
        su -s /bin/sh munge -c /usr/sbin/munged
        started+=(/run/munge/munged.pid)
    fi
    /usr/sbin/slurmctld
    started+=(/run/slurmctld.pid)
    /usr/sbin/slurmd -N localhost
    started+=(/run/slurmd.pid)
    deadline=$((SECONDS + 60))
    until sinfo -h -N -o %T 2>/dev/null | grep -q idle; do
        [ $SECONDS -lt $deadline ] || { tail -n 20 /var/log/slurm/*.log >&2 || true; fail "the node did not become idle within 60 s"; }
        sleep 0.5
    done
    log "one-node cluster up"
fi

# --- The sweep -------------------------------------------------------------------------------
work=$(mktemp -d /tmp/tanglesim-slurm-test.XXXXXX)
scenario="$work/sweep.json"
cp Scenarios/sweep-example.json "$scenario"

log "single-machine reference sweep"
"$tanglesim" sweep "$scenario" --out "$work/local" --jobs 2 2>/dev/null >/dev/null

# Waits until none of the jobs given is pending, running or completing.
wait_for_jobs() {
    local deadline=$((SECONDS + timeout_seconds))
    while [ -n "$(squeue -h -j "$1" -t PD,R,CG,CF,S -o %i 2>/dev/null)" ]; do
        [ $SECONDS -lt $deadline ] || { squeue -j "$1" >&2 || true; scancel ${1//,/ } || true; fail "jobs $1 still queued after ${timeout_seconds} s"; }
        sleep 0.5
    done
}

# The job ids printed by a submission script: "submitted: shards as job array A, merge as job M".
job_ids() { sed -n 's/^submitted: shards as job array \([0-9]*\), merge as job \([0-9]*\)$/\1 \2/p'; }

log "tanglesim slurm: 3 shards, then submit"
"$tanglesim" slurm "$scenario" --shards 3 --cpus 1 --time 0:10:00 --out "$work/cluster" >/dev/null
submitted=$(bash "$work/cluster/slurm/submit.sh")
echo "$submitted" >&2
read -r array_job merge_job <<<"$(echo "$submitted" | job_ids)"
[ -n "${merge_job:-}" ] || fail "the submission script printed no job ids"
wait_for_jobs "$array_job,$merge_job"
for file in sweep.csv aggregate.csv; do
    if ! cmp "$work/local/$file" "$work/cluster/$file"; then
        cat "$work/cluster/slurm/"*.log >&2 || true
        fail "$file from Slurm differs from the single-machine sweep"
    fi
done
[ "$(ls "$work/cluster/runs" | grep -c '^run-[0-9]*\.csv$')" -eq 12 ] || fail "expected 12 run records"
log "merged files equal the single-machine sweep byte for byte"

# --- A failing shard cancels the merge -------------------------------------------------------
log "a failing shard: the merge job must be cancelled, not left pending"
"$tanglesim" slurm "$scenario" --shards 2 --out "$work/failing" >/dev/null
sed -i 's/"seed": 7/"seed": 8/' "$scenario"   # the shards now refuse the folder: exit 1
submitted=$(bash "$work/failing/slurm/submit.sh")
read -r array_job merge_job <<<"$(echo "$submitted" | job_ids)"
[ -n "${merge_job:-}" ] || fail "the submission script printed no job ids"
wait_for_jobs "$array_job,$merge_job"
[ ! -e "$work/failing/sweep.csv" ] || fail "the merge ran although the shards failed"
state=$(scontrol show job "$merge_job" -o 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
[ -z "$state" ] || [ "$state" = CANCELLED ] || fail "the merge job ended as $state, expected CANCELLED"
grep -q "holds runs of a different sweep" "$work/failing/slurm/shard-0.log" || fail "shard 0's log does not say why it failed"
log "merge job ${state:-gone}: cancelled after the shards failed"

rm -rf "$work"
log "PASS"
