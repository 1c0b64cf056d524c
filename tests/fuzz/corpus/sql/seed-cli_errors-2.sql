CREATE TABLE gen (id INT) WITH ('connector' = 'datagen');
INSERT INTO out SELEC id FROM gen;
