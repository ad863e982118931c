#!/bin/bash
# usage (from inside the repository): run.sh LIB WORKLOAD MODE DIR LOG
LIB=$1; W=$2; MODE=$3; DIR=$4; LOG=$5
ROOT=$(git rev-parse --show-toplevel)
LIBCP=$(grep -o '"/usr/share/java/[^"]*"' $ROOT/bench/src/layout.rs | tr -d '"' | paste -sd:)
cd $ROOT/bench/work  # holds drivers.jar (javac of bench/java/src against LIBCP)
CP=drivers.jar:$LIBCP
if [ "$W" = javac ]; then ARGS="javac 30 $ROOT/bench/java/src $LIBCP"; else ARGS="$W 30"; fi
JITFLEET_MODE=$MODE JITFLEET_CACHE_DIR=$DIR JITFLEET_LOG=info nice java -Xmx1g -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI -agentpath:$LIB -cp $CP jitfleet.bench.Bench $ARGS > $LOG.out 2> $LOG.err
echo "rc=$?" >> $LOG.err
