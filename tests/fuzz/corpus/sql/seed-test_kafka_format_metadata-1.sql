CREATE TABLE src (
  id INT, name STRING, description STRING, weight FLOAT,
  src_ts TIMESTAMP_LTZ(3) METADATA FROM 'value.source.timestamp' VIRTUAL,
  src_table STRING METADATA FROM 'value.source.table' VIRTUAL,
  src_db STRING METADATA FROM 'value.source.database' VIRTUAL,
  ingested TIMESTAMP_LTZ(3) METADATA FROM 'value.ingestion-timestamp' VIRTUAL,
  topic STRING METADATA VIRTUAL,
  \`partition\` INT METADATA VIRTUAL,
  \`offset\` BIGINT METADATA VIRTUAL,
  epoch INT METADATA FROM 'leader-epoch' VIRTUAL$1
) WITH ('connector' = 'kafka', 'topic' = 'dbz', 'properties.bootstrap.servers' = '$K',
        'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
        'format' = 'debezium-json');
