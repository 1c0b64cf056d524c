CREATE TABLE o2 (bidtime TIMESTAMP(3), item STRING, s TIMESTAMP(3),
  e TIMESTAMP(3), t TIMESTAMP(3)) WITH ('connector' = 'print');
INSERT INTO o2 SELECT bidtime, item, window_start, window_end, window_time
FROM TABLE(HOP(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES,
  INTERVAL '10' MINUTES)) WHERE price > 4;
