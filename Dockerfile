# syntax=docker/dockerfile:1
# Multi-stage: build with Rust and Node.js (build.rs bundles ui/ with npm), run the one
# binary as an unprivileged user on a slim Debian with only libpq and certificates.

FROM rust:1-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin archive \
 && strip target/release/archive

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin archive
COPY --from=build /src/target/release/archive /usr/local/bin/archive
USER 10001
ENV BIND_ADDR=0.0.0.0:8080 \
    LOG_FORMAT=json \
    DEMO_ARTICLES=0
EXPOSE 8080
ENTRYPOINT ["archive"]
CMD ["serve"]
