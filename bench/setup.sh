#!/bin/sh
# Installs what the warm-up benchmarks need on a fresh Debian 12 machine (idempotent:
# packages already installed are not touched, apt-get update runs only when needed).
#   - workloads: H2, Xalan-J, Lucene 4.10, Rhino, Tomcat 10 embedded (+ jakarta.annotation)
#   - load generator: wrk
#   - JDK 17 (javac for the drivers) and the DejaVu font used in the plots
# JDK 25 is optional (its modes are skipped without it); it is not a Debian 12 package.
set -eu

PACKAGES="openjdk-17-jdk-headless libh2-java libxalan2-java liblucene4.10-java rhino \
libtomcat10-embed-java libjakarta-annotation-api-java wrk fonts-dejavu-core"

missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done

if [ -z "$missing" ]; then
    echo "bench/setup.sh: everything is installed"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

echo "bench/setup.sh: installing$missing"
# shellcheck disable=SC2086 # word splitting of the package list is intended
if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; then
    $SUDO apt-get update
    # shellcheck disable=SC2086
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
fi
