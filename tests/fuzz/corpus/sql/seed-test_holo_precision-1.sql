CREATE TABLE ${p}_t (id int PRIMARY KEY, amount numeric(10,2), ts timestamp(0),
    tz timestamptz(0), tm time(0), name varchar(5), code char(3),
    ratio double precision, qty numeric(5,0));
CREATE TABLE ${p}_ok (id int PRIMARY KEY, v int);
