CREATE TABLE Bid (bidtime TIMESTAMP(3), price DECIMAL(10, 2), item STRING,
  supplier_id STRING, WATERMARK FOR bidtime AS bidtime - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '$1', 'format' = 'csv');
CREATE TABLE o (window_start TIMESTAMP(3), window_end TIMESTAMP(3),
  total DECIMAL(38, 2)) WITH ('connector' = 'print');
