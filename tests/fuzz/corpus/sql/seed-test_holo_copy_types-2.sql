SELECT id, d, f, f8, n, dt, ts, ltz, b, replace(replace(replace(s, E'\t', '<TAB>'), E'\n', '<NL>'), E'\r', '<CR>'),
       vc, ai, ai8, ss, encode(by, 'hex'), j, sm, i8, nm, ti
FROM $t WHERE id <= 4 ORDER BY id;
