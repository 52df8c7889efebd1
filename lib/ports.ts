/** The ports of the data path, shared by the security groups, listeners and runtime settings. */
export const PORTS = {
  /** The ingest service behind the ALB. */
  ingest: 8080,
  /** MSK brokers, TLS with IAM access control. */
  kafkaIam: 9098,
  /** InfluxDB's HTTP API. */
  influx: 8086,
} as const;
