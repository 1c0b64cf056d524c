$SRC
CREATE TABLE m (k_car_id STRING, car_owner STRING, car_brand STRING, car_speed INT,
                PRIMARY KEY (k_car_id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 't_modern',
      'properties.bootstrap.servers' = '$KAFKA_BOOTSTRAP',
      'key.format' = 'json', 'key.fields-prefix' = 'k_',
      'value.format' = 'json', 'value.fields-include' = 'EXCEPT_KEY');
INSERT INTO m SELECT * FROM src;
