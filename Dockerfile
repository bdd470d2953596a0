# plaid-identity-stream: build the shaded jar with Maven on JDK 17 (--release 17: the jar runs on 17 and
# later), run it on a JRE 25 with an ahead-of-time cache, as a non-root user.
#
#   docker build -t plaid-identity-stream:local .
#   docker compose --profile local up --build     # see docker-compose.yml and docs/operations.md
#
# The image runs `java -jar /app/plaid-identity-stream.jar <command>`; the default command is `run`
# with the configuration mounted at /etc/plaid-identity-stream/job.properties. Credentials come from
# the environment (PLAID_CLIENT_ID, PLAID_SECRET) or from files named by PLAID_CLIENT_ID_FILE and
# PLAID_SECRET_FILE, never from the command line.
#
# Base images are pinned by exact tag (DockerfileTest refuses floating ones). The image declares no
# VOLUME: Kafka Streams' state goes to /var/lib/plaid-identity-stream, which compose mounts as the
# named volume job-state (a run without a mount keeps it in the container's own layer).

FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
# -Pimage: the same jar without native libraries for platforms this image never runs on (pom.xml).
RUN mvn -B -q package -DskipTests -Pimage

FROM eclipse-temurin:25.0.3_9-jre-noble
# A fixed uid/gid (10001), so that files mounted into the container (secrets, state) can be given to it.
RUN groupadd --system --gid 10001 pis \
 && useradd --system --uid 10001 --gid pis --home-dir /app --shell /usr/sbin/nologin pis \
 && mkdir -p /app /etc/plaid-identity-stream /var/lib/plaid-identity-stream \
 && chown pis:pis /var/lib/plaid-identity-stream
# Only the runnable jar leaves the build stage (no sources, no Maven repository).
COPY --from=build /build/target/plaid-identity-stream.jar /app/plaid-identity-stream.jar
# The AOT cache (JDK 25: JEP 483 classes loaded and linked ahead of time, JEP 515 method profiles, made in
# one step by JEP 514's AOTCacheOutput), from a training run of `demo` (an embedded broker and the Plaid
# emulator in this JVM: no network, no credentials) with this image's JVM, the entry point's options and the
# jar at its final path: a cache made by another JVM, for another path or another jar is not used (one
# warning at start, then the job runs as without it). Measured on the peer bench (BENCHMARKS.md, "Warm-up
# and the JVM"): a fresh instance starts and reaches its steady rate sooner and spends less CPU doing so.
RUN cd /tmp \
 && java -XX:MaxRAMPercentage=75 --enable-native-access=ALL-UNNAMED \
      -XX:AOTCacheOutput=/app/plaid-identity-stream.aot -jar /app/plaid-identity-stream.jar demo \
 && rm -rf /tmp/*
USER 10001:10001
WORKDIR /app
ENV PIS_LOG_FORMAT=text
# ExitOnOutOfMemoryError: a JVM out of heap exits (and the restart policy starts it again) instead of
# limping on with stream threads that died of the error. Pending requests are in the changelogged
# store, so a restart loses none. --enable-native-access: RocksDB loads its native library (JDK 24 and
# later warn at every start otherwise).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "--enable-native-access=ALL-UNNAMED", "-XX:AOTCache=/app/plaid-identity-stream.aot", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/plaid-identity-stream.jar"]
CMD ["run", "--config", "/etc/plaid-identity-stream/job.properties"]
