/** The ports of the data path, shared by the security groups, listeners and runtime settings. */
export const PORTS = {
  /** The ingest service behind the ALB. */
  ingest: 8080,
  /** MSK brokers, TLS with IAM access control. */
  kafkaIam: 9098,
  /** InfluxDB's HTTP API. */
  influx: 8086,
  /** Grafana's HTTP server behind its ALB. */
  grafana: 3000,
  /** Grafana's PostgreSQL metadata database. */
  postgres: 5432,
} as const;
