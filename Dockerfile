# plaid-identity-stream: build the shaded jar with Maven, run it on a JRE 17 as a non-root user.
#
#   docker build -t plaid-identity-stream .
#   docker compose up            # Kafka (KRaft), topic init, the Plaid emulator and the job
#
# The image runs `java -jar /app/plaid-identity-stream.jar <command>`; the default command is `run`
# with the configuration mounted at /etc/plaid-identity-stream/job.properties. Credentials come from
# the environment (PLAID_CLIENT_ID, PLAID_SECRET), never from the command line.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system pis \
 && useradd --system --gid pis --home-dir /app --shell /usr/sbin/nologin pis \
 && mkdir -p /app /etc/plaid-identity-stream /var/lib/plaid-identity-stream \
 && chown pis:pis /var/lib/plaid-identity-stream
COPY --from=build /build/target/plaid-identity-stream.jar /app/plaid-identity-stream.jar
# Kafka Streams state (the pending-request store): set state.dir=/var/lib/plaid-identity-stream/state.
VOLUME ["/var/lib/plaid-identity-stream"]
USER pis
WORKDIR /app
ENV PIS_LOG_FORMAT=text
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/plaid-identity-stream.jar"]
CMD ["run", "--config", "/etc/plaid-identity-stream/job.properties"]
