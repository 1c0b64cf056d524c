DROP TABLE IF EXISTS ${p}_t CASCADE;
CREATE TABLE ${p}_t (id bigint, region text, v int, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE ${p}_t_eu PARTITION OF ${p}_t FOR VALUES IN ('eu');
CREATE TABLE ${p}_t_other PARTITION OF ${p}_t FOR VALUES IN ('us', 'ca');
