# plaid-identity-stream: build the jars with Maven on JDK 17 (--release 17: they run on 17 and later), run
# the runtime jar (the job alone: no broker, no emulator) on a JRE 25 with an ahead-of-time cache, as a
# non-root user. A second target, `devkit`, runs the full CLI (the Plaid emulator of compose's local profile).
#
#   docker build -t plaid-identity-stream:local .
#   docker build --target devkit -t plaid-identity-stream-devkit:local .
#   docker compose --profile local up --build     # see docker-compose.yml and docs/operations.md
#
# The image runs `java -jar /app/plaid-identity-stream.jar <command>` (the runtime jar: run, backfill,
# enqueue, validate-config, tail, redrive); the default command is `run`
# with the configuration mounted at /etc/plaid-identity-stream/job.properties. Credentials come from
# the environment (PLAID_CLIENT_ID, PLAID_SECRET) or from files named by PLAID_CLIENT_ID_FILE and
# PLAID_SECRET_FILE, never from the command line.
#
# Base images are pinned by exact tag (DockerfileTest refuses floating ones). The image declares no
# VOLUME: Kafka Streams' state goes to /var/lib/plaid-identity-stream, which compose mounts as the
# named volume job-state (a run without a mount keeps it in the container's own layer).

FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /build
# Every module's pom (Maven reads the whole reactor), then the main sources of the four modules built here.
COPY pom.xml .
COPY .mvn ./.mvn
COPY emulator/pom.xml emulator/
COPY job/pom.xml job/
COPY testkit/pom.xml testkit/
COPY devkit/pom.xml devkit/
COPY acceptance/pom.xml acceptance/
COPY benchmarks/pom.xml benchmarks/
COPY emulator/src/main emulator/src/main
COPY job/src/main job/src/main
COPY testkit/src/main testkit/src/main
COPY devkit/src/main devkit/src/main
# -Pimage: the runtime jar without native libraries for platforms this image never runs on (job/pom.xml).
# Tests are not in the build context (they ran before the image). Leaves target/plaid-identity-stream-runtime.jar and
# target/plaid-identity-stream.jar (the full CLI).
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -pl job,devkit -am package -DskipTests -Pimage

# The full CLI (every command), for the Plaid emulator in compose's local profile and for trying the devkit.
FROM eclipse-temurin:25.0.3_9-jre-noble AS devkit
RUN groupadd --system --gid 10001 pis \
 && useradd --system --uid 10001 --gid pis --home-dir /app --shell /usr/sbin/nologin pis \
 && mkdir -p /app
COPY --from=build /build/target/plaid-identity-stream.jar /app/plaid-identity-stream.jar
USER 10001:10001
WORKDIR /app
ENV PIS_LOG_FORMAT=text
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "--enable-native-access=ALL-UNNAMED", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/plaid-identity-stream.jar"]
CMD ["emulator", "--port", "8080"]

# The job's image (the default target).
FROM eclipse-temurin:25.0.3_9-jre-noble AS runtime
# A fixed uid/gid (10001), so that files mounted into the container (secrets, state) can be given to it.
RUN groupadd --system --gid 10001 pis \
 && useradd --system --uid 10001 --gid pis --home-dir /app --shell /usr/sbin/nologin pis \
 && mkdir -p /app /etc/plaid-identity-stream /var/lib/plaid-identity-stream \
 && chown pis:pis /var/lib/plaid-identity-stream
# Only the runtime jar leaves the build stage (no sources, no Maven repository, no broker, no emulator).
COPY --from=build /build/target/plaid-identity-stream-runtime.jar /app/plaid-identity-stream.jar
# The AOT cache (JDK 25: JEP 483 classes loaded and linked ahead of time, JEP 515 method profiles, made in
# one step by JEP 514's AOTCacheOutput), from a training run of the job itself: docker/aot-train.sh starts a
# broker and the emulator from the full CLI (mounted for this step only, never in the image), then runs this
# jar's `backfill` over made-up requests with this image's JVM, the entry point's options and the jar at its
# final path: a cache made by another JVM, for another path or another jar is not used (one warning at
# start, then the job runs as without it). Measured on the peer bench (BENCHMARKS.md, "Warm-up and the
# JVM"): a fresh instance starts and reaches its steady rate sooner and spends less CPU doing so.
RUN --mount=type=bind,from=build,source=/build/target/plaid-identity-stream.jar,target=/opt/devkit.jar \
    --mount=type=bind,source=docker/aot-train.sh,target=/opt/aot-train.sh \
    bash /opt/aot-train.sh /opt/devkit.jar /app/plaid-identity-stream.jar /app/plaid-identity-stream.aot
USER 10001:10001
WORKDIR /app
ENV PIS_LOG_FORMAT=text
# ExitOnOutOfMemoryError: a JVM out of heap exits (and the restart policy starts it again) instead of
# limping on with stream threads that died of the error. Pending requests are in the changelogged
# store, so a restart loses none. --enable-native-access: RocksDB loads its native library (JDK 24 and
# later warn at every start otherwise).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "--enable-native-access=ALL-UNNAMED", "-XX:AOTCache=/app/plaid-identity-stream.aot", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/plaid-identity-stream.jar"]
CMD ["run", "--config", "/etc/plaid-identity-stream/job.properties"]
