INSERT INTO v VALUES
  (1, 'one', '2024-03-01 10:20:30.5', 1.5, 'n1'),
  (2, NULL, NULL, NULL, NULL),
  (3, 'three', TIMESTAMP '2024-03-03 00:00:00', 3, 'n3');
INSERT INTO v (amount, id) VALUES (40.25, 4);
