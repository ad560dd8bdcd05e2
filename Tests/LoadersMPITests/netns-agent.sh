#!/bin/sh
# mpirun's launch agent, in place of ssh, for "machines" that are network namespaces of this one
# (Docs/Scaling.md, "Two machines on one"). The agent string lists which namespace each host
# address lives in:
#
#     ip netns exec ns-a mpirun --hostfile hosts --mca plm_rsh_agent "netns-agent.sh 10.77.0.2=ns-b" ...
#
# Open MPI then calls `netns-agent.sh 10.77.0.2=ns-b 10.77.0.2 orted ...` as it would call
# `ssh 10.77.0.2 orted ...`, and the script runs the command through a shell inside that host's
# namespace, as sshd would run it on the host.
set -eu

map=""
while [ $# -gt 0 ]; do
    case $1 in
        *=*) map="$map $1"; shift ;;
        *) break ;;
    esac
done
if [ $# -lt 2 ]; then
    echo "usage: netns-agent.sh ADDRESS=NAMESPACE... HOST COMMAND..." >&2
    exit 2
fi
host=$1
shift
for pair in $map; do
    if [ "${pair%%=*}" = "$host" ]; then
        exec ip netns exec "${pair#*=}" /bin/sh -c "$*"
    fi
done
echo "netns-agent.sh: no namespace given for host $host (given:$map)" >&2
exit 1
