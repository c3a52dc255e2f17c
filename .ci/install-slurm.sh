#!/bin/sh
# Installs Debian's Slurm (controller, node daemon, client commands) and munge for the test
# that runs the deploy/slurm scripts on a one-node Slurm (test/e2e/slurm.test.ts starts and
# stops the daemons itself). Nothing is started here.
#
# Non-interactive and quiet; uses sudo only when not already root. The test suite itself
# never installs anything: without Slurm that test skips and prints why.
set -eu

PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
have() { command -v "$1" >/dev/null 2>&1; }

if have slurmctld && have slurmd && have sbatch && have munged; then
  echo "install-slurm: slurm and munge are already installed" >&2
  exit 0
fi

if ! have apt-get; then
  echo "install-slurm: apt-get not found; install slurmctld, slurmd, slurm-client and munge" >&2
  exit 1
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
  if have sudo; then
    SUDO="sudo"
  else
    echo "install-slurm: not root and no sudo; cannot install slurm" >&2
    exit 1
  fi
fi

# DEBIAN_FRONTEND is passed through `env` so it survives sudo's environment reset; the time
# limits keep a package mirror that does not answer from holding up the test run.
$SUDO env DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq -o=Dpkg::Use-Pty=0 --no-install-recommends \
  slurmctld slurmd slurm-client munge >/dev/null

if ! (have slurmctld && have slurmd && have sbatch && have munged); then
  echo "install-slurm: apt-get finished but a Slurm or munge program is missing" >&2
  exit 1
fi
echo "install-slurm: installed $(slurmctld -V 2>/dev/null || echo slurm)" >&2
