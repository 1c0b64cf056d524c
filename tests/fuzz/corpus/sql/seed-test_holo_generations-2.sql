$src
CREATE TABLE sink (user_id BIGINT, user_name STRING, price DECIMAL(38, 2), sale_timestamp TIMESTAMP,
  PRIMARY KEY (user_id) NOT ENFORCED)
WITH ($with);
INSERT INTO sink SELECT * FROM src;
