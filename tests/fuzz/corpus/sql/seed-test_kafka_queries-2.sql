CREATE VIEW moves AS
  SELECT id, item AS what, price AS amount, ts AS at FROM orders
  UNION ALL
  SELECT id, note, amount, CAST(NULL AS TIMESTAMP_LTZ(3)) FROM refunds;
INSERT INTO p SELECT * FROM moves WHERE amount < 50;
