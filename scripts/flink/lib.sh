# Shared by scripts/flink/*.sh: find the JDK and Maven, or fail with a clear message.
FLINK_JOB_POM="services/flink-job/pom.xml"

require_java_maven() {
  if [[ -z "${JAVA_HOME:-}" && -d /usr/lib/jvm/java-17-openjdk-amd64 ]]; then
    export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
  fi
  if ! command -v java >/dev/null 2>&1; then
    echo "flink-job: no JDK found. Install Java 17 (Debian: apt-get install -y openjdk-17-jdk-headless) and retry." >&2
    exit 1
  fi
  local v
  v=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  if [[ -n "$v" && "${v%%.*}" -lt 17 ]]; then
    echo "flink-job: Java $v found; the job needs Java 17 or newer (set JAVA_HOME)." >&2
    exit 1
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    echo "flink-job: Maven (mvn) not found. Install Maven 3.8+ (Debian: apt-get install -y maven) and retry." >&2
    exit 1
  fi
}
