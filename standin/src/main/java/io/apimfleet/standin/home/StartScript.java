package io.apimfleet.standin.home;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * {@code bin/wso2server.sh}: the product's command line ({@code start}, {@code stop},
 * {@code -Dprofile=}, {@code -DportOffset=}) in front of the stand-in server. The Java and the
 * class path of the JVM that made the home are written in, so the home works from the
 * distribution's lib/ and from Maven's target/ alike.
 */
final class StartScript {
    static final String PATH = "bin/wso2server.sh";
    static final String MAIN_CLASS = "io.apimfleet.standin.StandinCommand";
    /** Not the product's heap: the recipes' JVM_MEM_OPTS (-Xmx1g) is for the real API-M. */
    static final String JVM_OPTS = "-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k";

    private StartScript() {
    }

    static void write(Path home, String java, String classpath, Path classData) throws IOException {
        Path script = home.resolve(PATH);
        Files.createDirectories(script.getParent());
        Files.writeString(script, text(java, classpath, classData));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** @param classData the class-data archive to start with, or null */
    static String text(String java, String classpath, Path classData) {
        // The JVM ignores an archive that does not match (another JDK, a moved class path); its
        // warnings would go to standard output, hence -Xlog:cds*=off.
        String options = JVM_OPTS + (classData == null ? "" : " -XX:SharedArchiveFile=" + quote(classData.toString()) + " '-Xlog:cds*=off'");
        return """
                #!/bin/sh
                # apim-fleet stand-in for WSO2 API Manager 2.2.0's bin/wso2server.sh (written by `apim-standin make-home`).
                #   sh bin/wso2server.sh [-Dprofile=NAME] [-DportOffset=N]         foreground: this process becomes the server
                #   sh bin/wso2server.sh [-Dprofile=NAME] [-DportOffset=N] start   background (nohup), returns at once
                #   sh bin/wso2server.sh stop                                       TERM to the pid in wso2carbon.pid, then waits
                # JVM_MEM_OPTS sizes the real product, not the stand-in: it only refuses a heap the JVM would refuse.
                # JAVA_OPTS, as for the real product, adds options to the JVM's command line.
                script=$(readlink -f "$0" 2>/dev/null || echo "$0")
                CARBON_HOME=$(cd "$(dirname "$script")/.." && pwd -P)
                STANDIN_JAVA=%s
                STANDIN_CLASSPATH=%s
                if [ -n "$JAVA_HOME" ] && [ -x "$JAVA_HOME/bin/java" ]; then java="$JAVA_HOME/bin/java"; else java="$STANDIN_JAVA"; fi
                pidfile="$CARBON_HOME/wso2carbon.pid"

                action=run
                profile=
                offset=
                for arg in "$@"; do
                  case "$arg" in
                    start|stop|restart) action=$arg ;;
                    -Dprofile=*) profile=${arg#-Dprofile=} ;;
                    -DportOffset=*) offset=${arg#-DportOffset=} ;;
                    *) echo "wso2server.sh (stand-in): ignoring $arg" >&2 ;;
                  esac
                done
                set -- server --home "$CARBON_HOME"
                [ -n "$profile" ] && set -- "$@" --profile "$profile"
                [ -n "$offset" ] && set -- "$@" --port-offset "$offset"

                stop_server() {
                  if [ ! -f "$pidfile" ]; then echo "wso2server.sh (stand-in): no $pidfile, nothing to stop"; return 0; fi
                  pid=$(cat "$pidfile")
                  if ! kill -0 "$pid" 2>/dev/null; then echo "wso2server.sh (stand-in): process $pid is not running"; return 0; fi
                  kill -TERM "$pid"
                  waited=0
                  while kill -0 "$pid" 2>/dev/null; do
                    waited=$((waited + 1))
                    if [ "$waited" -gt 300 ]; then echo "wso2server.sh (stand-in): process $pid did not stop within 30 s" >&2; return 1; fi
                    sleep 0.1
                  done
                  echo "wso2server.sh (stand-in): process $pid stopped"
                }

                mkdir -p "$CARBON_HOME/repository/logs"
                case "$action" in
                  stop) stop_server; exit $? ;;
                  restart) stop_server || exit 1; action=start ;;
                esac
                if [ "$action" = start ]; then
                  # shellcheck disable=SC2086
                  nohup "$java" %s $JAVA_OPTS -cp "$STANDIN_CLASSPATH" %s "$@" > "$CARBON_HOME/nohup.out" 2>&1 &
                  echo $! > "$pidfile"
                  exit 0
                fi
                echo $$ > "$pidfile"
                # shellcheck disable=SC2086
                exec "$java" %s $JAVA_OPTS -cp "$STANDIN_CLASSPATH" %s "$@"
                """.formatted(quote(java), quote(classpath), options, MAIN_CLASS, options, MAIN_CLASS);
    }

    /** A single-quoted sh word. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
