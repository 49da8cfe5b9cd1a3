#!/bin/sh
# Makes the stand-in server's class-data archive, lib/cds/apim-standin-server.jsa, in a built
# distribution: one start of the server from a home that distribution made, until healthy, one
# TLS request to it, and a stop; the JVM writes the classes it loaded at exit
# (-XX:ArchiveClassesAtExit, through JAVA_OPTS, which bin/wso2server.sh adds as the product's own
# script does). Homes made afterwards start their server with it (apim-standin make-home names it
# in bin/wso2server.sh): its classes come parsed and verified, about 0.3 s less per start. The JVM
# ignores the archive, silently, when the distribution moved or the JDK changed. The server binds
# 127.0.0.250 only.
#
#   sh packaging/src/build/cds-train.sh DIST_DIR
#
# Never fails the build: without the archive the stand-in starts as before, and this says why.
set -u
dist=$(cd "$1" && pwd -P)
cds=$dist/lib/cds
archive=$cds/apim-standin-server.jsa
addr=127.0.0.250
work=$(mktemp -d "${TMPDIR:-/tmp}/apim-fleet-cds.XXXXXX")
home=$work/home
stop() { [ -f "$home/bin/wso2server.sh" ] && sh "$home/bin/wso2server.sh" stop >/dev/null 2>&1; }
fail() { stop; rm -rf "$cds"; echo "cds-train: $*; the stand-in starts without a class-data archive (logs kept in $work)" >&2; exit 0; }

rm -rf "$cds"
"$dist/bin/apim-standin" make-home --start-delay 0s "$home" >"$work/make-home.log" 2>&1 || fail "make-home failed"
sed -i "s|<!--HostName>www.wso2.org</HostName-->|<HostName>$addr</HostName>|" "$home/repository/conf/carbon.xml"
mkdir -p "$cds"
# Written aside and moved in once whole and usable: a truncated archive makes the JVM crash (SIGBUS).
JAVA_OPTS="-XX:ArchiveClassesAtExit=$archive.part" sh "$home/bin/wso2server.sh" start >/dev/null 2>&1 || fail "the server did not start"
log=$home/repository/logs/wso2carbon.log
i=0
until grep -q "standin: healthy" "$log" 2>/dev/null; do
  i=$((i + 1)); [ "$i" -le 600 ] || fail "the server was not healthy within 60 s"
  grep -q "ERROR" "$log" 2>/dev/null && fail "the server failed: $(grep ERROR "$log" | head -1)"
  sleep 0.1
done
# A TLS client's first request loads the server's handshake classes too.
if command -v curl >/dev/null; then
  curl -sk --max-time 10 -o /dev/null "https://$addr:9443/carbon/" || true
fi
stop || fail "the server did not stop"
[ -s "$archive.part" ] || fail "the server wrote no archive"
java=$(sed -n "s/^STANDIN_JAVA='\(.*\)'\$/\1/p" "$home/bin/wso2server.sh")
classpath=$(sed -n "s/^STANDIN_CLASSPATH='\(.*\)'\$/\1/p" "$home/bin/wso2server.sh")
"$java" -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:on "-XX:SharedArchiveFile=$archive.part" -cp "$classpath" -version \
    >"$work/check.log" 2>&1 || fail "the archive does not load: $(head -3 "$work/check.log")"
mv "$archive.part" "$archive"
rm -rf "$work"
echo "cds-train: made $archive ($(du -h "$archive" | cut -f1))" >&2
