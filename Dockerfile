# ChartBridge on the distribution `mvn package` builds. From the repository root:
#   mvn -B package -DskipTests && docker build -t chartbridge .
# Runs `chartbridge serve` as an unprivileged user; configuration from /etc/chartbridge/chartbridge.yaml (the
# example unless a file is mounted there) and CHARTBRIDGE_* environment variables (docs/configuration.md).
# State (the embedded database, when no database.url is given, and the master key) lives in the volume /var/lib/chartbridge.
FROM eclipse-temurin:17-jre
ARG VERSION=0.1.0-SNAPSHOT
# ADD unpacks a local tar.gz.
ADD chartbridge-dist/target/chartbridge-${VERSION}.tar.gz /opt/
RUN ln -s /opt/chartbridge-${VERSION} /opt/chartbridge \
    && useradd --system --uid 10001 --home-dir /var/lib/chartbridge --create-home chartbridge \
    && install -d -o chartbridge -m 700 /etc/chartbridge \
    && cp /opt/chartbridge/chartbridge.example.yaml /etc/chartbridge/chartbridge.yaml
ENV CHARTBRIDGE_CONFIG=/etc/chartbridge/chartbridge.yaml \
    CHARTBRIDGE_HTTP_HOST=0.0.0.0 \
    JAVA_OPTS="-XX:MaxRAMPercentage=75"
USER chartbridge
WORKDIR /var/lib/chartbridge
VOLUME /var/lib/chartbridge
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/opt/chartbridge/bin/chartbridge"]
CMD ["serve"]
