${5:-}
$2
CREATE TABLE sink ($3) WITH ($4);
INSERT INTO sink SELECT * FROM src;
