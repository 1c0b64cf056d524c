/*
 * expr_fntab.c - the table of built-in functions (see functions.h) and the
 * docs page generated from it.
 *
 * Each entry states Flink's behaviour as holoflow implements it; the
 * example and its result are Flink's documented ones where the Flink docs
 * give one, and the unit tests evaluate every example, so the page cannot
 * claim what the code does not do. Names are unique among CALL and
 * REFUSED entries; SYNTAX entries document operators and special forms
 * and are never looked up by name.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "conf/opt.h"
#include "sql/expr_int.h"
#include "sql/functions.h"

#define CALL(name, fn, min, max, group, syntax, returns, doc, ex, res)         \
    {                                                                          \
        name, fn, min, max, HF_FNK_CALL, group, syntax, returns, doc, ex, res  \
    }
#define SYNTAX(name, group, syntax, returns, doc, ex, res)                     \
    {                                                                          \
        name, HF_FN_NONE, 0, 0, HF_FNK_SYNTAX, group, syntax, returns, doc,    \
            ex, res                                                            \
    }
#define REFUSED(name, group, syntax, why)                                      \
    {                                                                          \
        name, HF_FN_NONE, 0, -1, HF_FNK_REFUSED, group, syntax, "", why, NULL, \
            NULL                                                               \
    }

/* Groups, in the order the page shows them. */
static const char *const groups[] = {
    "Comparison", "Logical",     "Arithmetic", "String", "Hash",
    "Temporal",   "Conditional", "Conversion", "JSON",   NULL};

const struct hf_fn_info hf_fn_table[] = {
    /* ---------------------------------------------------- comparison */
    SYNTAX("=", "Comparison", "value1 = value2  (also <>, !=, <, <=, >, >=)",
           "BOOLEAN",
           "Compares two values; UNKNOWN (NULL) when either is "
           "NULL.",
           "2 > 1", "TRUE"),
    SYNTAX("IS NULL", "Comparison", "value IS [NOT] NULL", "BOOLEAN NOT NULL",
           "TRUE when value is (not) NULL.", "CAST(NULL AS INT) IS NULL",
           "TRUE"),
    SYNTAX("IS DISTINCT FROM", "Comparison",
           "value1 IS [NOT] DISTINCT FROM value2", "BOOLEAN NOT NULL",
           "Like <> (=) but NULL values are identical: never UNKNOWN.",
           "1 IS DISTINCT FROM NULL", "TRUE"),
    SYNTAX("BETWEEN", "Comparison",
           "value1 [NOT] BETWEEN [ASYMMETRIC | SYMMETRIC] value2 AND value3",
           "BOOLEAN",
           "value2 <= value1 <= value3; SYMMETRIC accepts the bounds in "
           "either order. A NULL bound gives FALSE or UNKNOWN.",
           "12 BETWEEN SYMMETRIC 15 AND 12", "TRUE"),
    SYNTAX("IN", "Comparison", "value1 [NOT] IN (value2 [, value3]*)",
           "BOOLEAN",
           "TRUE when value1 equals an element; UNKNOWN when it does not and "
           "the list has a NULL, or value1 is NULL.",
           "4 IN (1, 2, NULL)", "NULL"),
    SYNTAX("LIKE", "Comparison", "string1 [NOT] LIKE string2 [ESCAPE char]",
           "BOOLEAN",
           "SQL pattern match: % any run, _ one character; the ESCAPE "
           "character makes the next one literal.",
           "'JoKn' LIKE 'Jo_n%'", "TRUE"),
    SYNTAX("SIMILAR TO", "Comparison",
           "string1 [NOT] SIMILAR TO string2 [ESCAPE char]", "BOOLEAN",
           "SQL regular expression match of the whole string (% _ | * + ? "
           "{m,n} () [] as SQL:2003 defines).",
           "'A' SIMILAR TO 'A+'", "TRUE"),
    /* ---------------------------------------------------- logical */
    SYNTAX("AND", "Logical",
           "boolean1 AND boolean2, boolean1 OR boolean2, "
           "NOT boolean",
           "BOOLEAN", "Three-valued logic.", "TRUE OR CAST(NULL AS BOOLEAN)",
           "TRUE"),
    SYNTAX("IS TRUE", "Logical", "boolean IS [NOT] TRUE | FALSE | UNKNOWN",
           "BOOLEAN NOT NULL", "Tests a truth value; UNKNOWN is NULL.",
           "CAST(NULL AS BOOLEAN) IS NOT TRUE", "TRUE"),
    /* ---------------------------------------------------- arithmetic */
    SYNTAX("+", "Arithmetic", "numeric1 + - * / numeric2, - numeric",
           "Flink's numeric promotion; DECIMAL exact",
           "Integer overflow and division by zero fail the row.", "7 / 2", "3"),
    CALL("MOD", HF_FN_NONE, 2, 2, "Arithmetic",
         "MOD(numeric1, numeric2), "
         "numeric1 % numeric2",
         "the operands' type",
         "Remainder of numeric1 / numeric2, negative only when numeric1 is.",
         "MOD(-7, 3)", "-1"),
    CALL("ABS", HF_FN_ABS, 1, 1, "Arithmetic", "ABS(numeric)",
         "type of numeric", "Absolute value; overflow fails the row.",
         "ABS(-2.5)", "2.5"),
    CALL("POWER", HF_FN_DMATH, 2, 2, "Arithmetic", "POWER(numeric1, numeric2)",
         "DOUBLE", "numeric1 raised to numeric2.", "POWER(2, 10)", "1024.0"),
    CALL("SQRT", HF_FN_DMATH, 1, 1, "Arithmetic", "SQRT(numeric)", "DOUBLE",
         "Square root (NaN for a negative number).", "SQRT(16)", "4.0"),
    CALL("LN", HF_FN_DMATH, 1, 1, "Arithmetic", "LN(numeric)", "DOUBLE",
         "Natural logarithm.", "LN(1)", "0.0"),
    CALL("LOG10", HF_FN_DMATH, 1, 1, "Arithmetic", "LOG10(numeric)", "DOUBLE",
         "Base-10 logarithm.", "LOG10(1000)", "3.0"),
    CALL("LOG2", HF_FN_DMATH, 1, 1, "Arithmetic", "LOG2(numeric)", "DOUBLE",
         "Base-2 logarithm.", "LOG2(8)", "3.0"),
    CALL("LOG", HF_FN_DMATH, 1, 2, "Arithmetic",
         "LOG(numeric2), LOG(numeric1, numeric2)", "DOUBLE",
         "Natural logarithm, or the logarithm of numeric2 to base numeric1.",
         "LOG(2, 8)", "3.0"),
    CALL("EXP", HF_FN_DMATH, 1, 1, "Arithmetic", "EXP(numeric)", "DOUBLE",
         "e raised to numeric.", "EXP(0)", "1.0"),
    CALL("SIN", HF_FN_DMATH, 1, 1, "Arithmetic",
         "SIN, COS, TAN, COT, ASIN, ACOS, ATAN (numeric)", "DOUBLE",
         "Trigonometric functions in radians.", "SIN(0)", "0.0"),
    CALL("COS", HF_FN_DMATH, 1, 1, "Arithmetic", "COS(numeric)", "DOUBLE",
         "Cosine.", "COS(0)", "1.0"),
    CALL("TAN", HF_FN_DMATH, 1, 1, "Arithmetic", "TAN(numeric)", "DOUBLE",
         "Tangent.", "TAN(0)", "0.0"),
    CALL("COT", HF_FN_DMATH, 1, 1, "Arithmetic", "COT(numeric)", "DOUBLE",
         "Cotangent.", "COT(1) > 0.64", "TRUE"),
    CALL("ASIN", HF_FN_DMATH, 1, 1, "Arithmetic", "ASIN(numeric)", "DOUBLE",
         "Arc sine.", "ASIN(0)", "0.0"),
    CALL("ACOS", HF_FN_DMATH, 1, 1, "Arithmetic", "ACOS(numeric)", "DOUBLE",
         "Arc cosine.", "ACOS(1)", "0.0"),
    CALL("ATAN", HF_FN_DMATH, 1, 1, "Arithmetic", "ATAN(numeric)", "DOUBLE",
         "Arc tangent.", "ATAN(0)", "0.0"),
    CALL("ATAN2", HF_FN_DMATH, 2, 2, "Arithmetic", "ATAN2(numeric1, numeric2)",
         "DOUBLE", "Arc tangent of the point (numeric1, numeric2).",
         "ATAN2(0, 1)", "0.0"),
    CALL("SINH", HF_FN_DMATH, 1, 1, "Arithmetic", "SINH, COSH, TANH (numeric)",
         "DOUBLE", "Hyperbolic functions.", "SINH(0)", "0.0"),
    CALL("COSH", HF_FN_DMATH, 1, 1, "Arithmetic", "COSH(numeric)", "DOUBLE",
         "Hyperbolic cosine.", "COSH(0)", "1.0"),
    CALL("TANH", HF_FN_DMATH, 1, 1, "Arithmetic", "TANH(numeric)", "DOUBLE",
         "Hyperbolic tangent.", "TANH(0)", "0.0"),
    CALL("DEGREES", HF_FN_DMATH, 1, 1, "Arithmetic", "DEGREES(numeric)",
         "DOUBLE", "Radians to degrees.", "DEGREES(0)", "0.0"),
    CALL("RADIANS", HF_FN_DMATH, 1, 1, "Arithmetic", "RADIANS(numeric)",
         "DOUBLE", "Degrees to radians.", "RADIANS(180) > 3.14", "TRUE"),
    CALL("PI", HF_FN_DMATH, 0, 0, "Arithmetic", "PI()", "DOUBLE", "Pi.", "PI()",
         "3.141592653589793"),
    CALL("E", HF_FN_DMATH, 0, 0, "Arithmetic", "E()", "DOUBLE", "Euler's e.",
         "E()", "2.718281828459045"),
    CALL("SIGN", HF_FN_SIGN, 1, 1, "Arithmetic", "SIGN(numeric)",
         "type of numeric", "-1, 0 or 1 by the sign of numeric.", "SIGN(-2.5)",
         "-1.0"),
    CALL("ROUND", HF_FN_ROUND, 1, 2, "Arithmetic", "ROUND(numeric [, int])",
         "type of numeric; DECIMAL(p, s) gives DECIMAL(p - s + min(s, int) "
         "+ 1, min(s, int))",
         "Rounds half away from zero to int decimal places (default 0; "
         "negative rounds left of the point).",
         "ROUND(1.2345, 2)", "1.23"),
    CALL("TRUNCATE", HF_FN_ROUND, 1, 2, "Arithmetic",
         "TRUNCATE(numeric [, int])", "as ROUND",
         "Cuts numeric to int decimal places toward zero (default 0).",
         "TRUNCATE(42.324, 2)", "42.32"),
    CALL("FLOOR", HF_FN_FLOOR, 1, 2, "Arithmetic",
         "FLOOR(numeric), FLOOR(timepoint TO unit)",
         "type of numeric (DECIMAL scale 0); the timepoint's type",
         "Largest integer <= numeric; a time rounded down to YEAR, QUARTER, "
         "MONTH, WEEK (Sunday), DAY, HOUR, MINUTE, SECOND, MILLISECOND.",
         "FLOOR(-1.5)", "-2"),
    CALL("CEIL", HF_FN_FLOOR, 1, 2, "Arithmetic",
         "CEIL(numeric), CEILING(numeric), CEIL(timepoint TO unit)", "as FLOOR",
         "Smallest integer >= numeric; a time rounded up.",
         "CEIL(TIME '12:44:31' TO MINUTE)", "12:45:00"),
    CALL("CEILING", HF_FN_FLOOR, 1, 2, "Arithmetic", "CEILING(numeric)",
         "as FLOOR", "Same as CEIL.", "CEILING(1.2)", "2"),
    CALL("RAND", HF_FN_RAND, 0, 1, "Arithmetic", "RAND([seed INT])", "DOUBLE",
         "Pseudorandom in [0, 1); with a seed, the same sequence as Flink "
         "(java.util.Random) for the expression.",
         NULL, NULL),
    CALL("RAND_INTEGER", HF_FN_RAND_INTEGER, 1, 2, "Arithmetic",
         "RAND_INTEGER([seed INT,] bound INT)", "INT",
         "Pseudorandom integer in [0, bound); seeded as RAND.", NULL, NULL),
    CALL("UUID", HF_FN_UUID, 0, 0, "Arithmetic", "UUID()", "CHAR(36)",
         "A random RFC 4122 version 4 UUID.", NULL, NULL),
    CALL("BIN", HF_FN_BIN, 1, 1, "Arithmetic", "BIN(integer)", "STRING",
         "Binary digits of integer (two's complement when negative).",
         "BIN(12)", "1100"),
    CALL("HEX", HF_FN_HEX, 1, 1, "Arithmetic", "HEX(integer), HEX(string)",
         "STRING",
         "Upper-case hexadecimal of an integer, or of a string's UTF-8 "
         "bytes.",
         "HEX('hello,world')", "68656C6C6F2C776F726C64"),
    /* ---------------------------------------------------- string */
    SYNTAX("||", "String", "string1 || string2", "STRING",
           "Concatenation; NULL when either is NULL.", "'a' || 'b'", "ab"),
    CALL("CONCAT", HF_FN_NONE, 1, -1, "String", "CONCAT(string1, ...)",
         "STRING", "Concatenation; NULL when any argument is NULL.",
         "CONCAT('AA', 'BB', 'CC')", "AABBCC"),
    CALL("CONCAT_WS", HF_FN_CONCAT_WS, 2, -1, "String",
         "CONCAT_WS(sep, string1, ...)", "STRING",
         "Joins the non-NULL strings with sep; NULL when sep is NULL.",
         "CONCAT_WS('~', 'AA', CAST(NULL AS STRING), 'BB', '', 'CC')",
         "AA~BB~~CC"),
    CALL("CHAR_LENGTH", HF_FN_CHAR_LENGTH, 1, 1, "String",
         "CHAR_LENGTH(string)", "INT", "Number of characters.",
         "CHAR_LENGTH('héllo')", "5"),
    CALL("CHARACTER_LENGTH", HF_FN_CHAR_LENGTH, 1, 1, "String",
         "CHARACTER_LENGTH(string)", "INT", "Same as CHAR_LENGTH.",
         "CHARACTER_LENGTH('abc')", "3"),
    CALL("UPPER", HF_FN_UPPER, 1, 1, "String", "UPPER(string)", "STRING",
         "Upper case.", "UPPER('aBc')", "ABC"),
    CALL("LOWER", HF_FN_LOWER, 1, 1, "String", "LOWER(string)", "STRING",
         "Lower case.", "LOWER('aBc')", "abc"),
    CALL("POSITION", HF_FN_POSITION, 2, 3, "String",
         "POSITION(string1 IN string2)", "INT",
         "1-based position of the first string1 in string2; 0 when absent.",
         "POSITION('b' IN 'abc')", "2"),
    CALL("LOCATE", HF_FN_POSITION, 2, 3, "String",
         "LOCATE(string1, string2 [, integer])", "INT",
         "Position of string1 in string2 at or after position integer; 0 "
         "when absent.",
         "LOCATE('a', 'banana', 3)", "4"),
    CALL("INSTR", HF_FN_INSTR, 2, 2, "String", "INSTR(string1, string2)", "INT",
         "Position of the first string2 in string1; 0 when absent.",
         "INSTR('banana', 'an')", "2"),
    CALL("TRIM", HF_FN_TRIM, 1, 2, "String",
         "TRIM([BOTH | LEADING | TRAILING] [string1] FROM string2)", "STRING",
         "Removes string1's characters (default a space) from the ends.",
         "TRIM(LEADING 'x' FROM 'xxaxx')", "axx"),
    CALL("LTRIM", HF_FN_TRIM, 1, 1, "String", "LTRIM(string)", "STRING",
         "Removes leading spaces.", "LTRIM(' This is a test String.')",
         "This is a test String."),
    CALL("RTRIM", HF_FN_TRIM, 1, 1, "String", "RTRIM(string)", "STRING",
         "Removes trailing spaces.", "RTRIM('This is a test String. ')",
         "This is a test String."),
    CALL("LPAD", HF_FN_LPAD, 3, 3, "String", "LPAD(string1, integer, string2)",
         "STRING",
         "string1 left-padded with string2 to integer characters, or cut to "
         "integer; NULL for a negative length or an empty pad.",
         "LPAD('hi', 4, '?\?')", "?\?hi"),
    CALL("RPAD", HF_FN_RPAD, 3, 3, "String", "RPAD(string1, integer, string2)",
         "STRING", "As LPAD, padding on the right.", "RPAD('hi', 1, '?\?')",
         "h"),
    CALL("REPEAT", HF_FN_REPEAT, 2, 2, "String", "REPEAT(string, integer)",
         "STRING", "string repeated integer times (empty for <= 0).",
         "REPEAT('ab', 3)", "ababab"),
    CALL("REVERSE", HF_FN_REVERSE, 1, 1, "String", "REVERSE(string)", "STRING",
         "The characters in reverse order.", "REVERSE('abc')", "cba"),
    CALL("REPLACE", HF_FN_REPLACE, 3, 3, "String",
         "REPLACE(string1, string2, string3)", "STRING",
         "Replaces every non-overlapping string2 in string1 with string3.",
         "REPLACE('ababab', 'abab', 'z')", "zab"),
    CALL("SUBSTRING", HF_FN_SUBSTRING, 2, 3, "String",
         "SUBSTRING(string FROM int1 [FOR int2]), SUBSTRING(string, int1 "
         "[, int2])",
         "STRING",
         "int2 characters from position int1 (1-based; negative counts from "
         "the end); NULL for a negative length.",
         "SUBSTRING('Hello' FROM 2 FOR 3)", "ell"),
    CALL("SUBSTR", HF_FN_SUBSTRING, 2, 3, "String",
         "SUBSTR(string, int1 [, int2])", "STRING", "Same as SUBSTRING.",
         "SUBSTR('Hello', -3)", "llo"),
    CALL("LEFT", HF_FN_LEFT, 2, 2, "String", "LEFT(string, integer)", "STRING",
         "The first integer characters; empty when negative.",
         "LEFT('Hello', 2)", "He"),
    CALL("RIGHT", HF_FN_RIGHT, 2, 2, "String", "RIGHT(string, integer)",
         "STRING", "The last integer characters; empty when negative.",
         "RIGHT('Hello', 2)", "lo"),
    CALL("INITCAP", HF_FN_INITCAP, 1, 1, "String", "INITCAP(string)", "STRING",
         "First letter of each word (a run of letters and digits) upper "
         "case, the rest lower case.",
         "INITCAP('hELLO wORLD')", "Hello World"),
    CALL("SPLIT_INDEX", HF_FN_SPLIT_INDEX, 3, 3, "String",
         "SPLIT_INDEX(string1, string2, integer)", "STRING",
         "The integer-th (0-based) field of string1 split at string2; NULL "
         "when there is no such field or integer is negative.",
         "SPLIT_INDEX('a,b,c', ',', 1)", "b"),
    CALL("ASCII", HF_FN_ASCII, 1, 1, "String", "ASCII(string)", "INT",
         "Code of the first character (0 for an empty string).", "ASCII('abc')",
         "97"),
    CALL("CHR", HF_FN_CHR, 1, 1, "String", "CHR(integer)", "STRING",
         "The character with code integer modulo 256 (empty when "
         "negative).",
         "CHR(353)", "a"),
    CALL("TO_BASE64", HF_FN_TO_BASE64, 1, 1, "String", "TO_BASE64(string)",
         "STRING", "Base64 of the string's UTF-8 bytes.",
         "TO_BASE64('hello world')", "aGVsbG8gd29ybGQ="),
    CALL("FROM_BASE64", HF_FN_FROM_BASE64, 1, 1, "String",
         "FROM_BASE64(string)", "STRING",
         "Decodes base64 into a string; invalid base64 fails the row.",
         "FROM_BASE64('aGVsbG8gd29ybGQ=')", "hello world"),
    CALL("REGEXP", HF_FN_REGEXP, 2, 2, "String", "REGEXP(string1, string2)",
         "BOOLEAN",
         "TRUE when a substring of string1 matches the Java regular "
         "expression string2 (FALSE for an empty or invalid one).",
         "REGEXP('abc123', '[0-9]+')", "TRUE"),
    CALL("REGEXP_EXTRACT", HF_FN_REGEXP_EXTRACT, 2, 3, "String",
         "REGEXP_EXTRACT(string1, string2 [, integer])", "STRING",
         "Group integer (default 0, the whole match) of the first match of "
         "string2 in string1; NULL when there is no match or no such group.",
         "REGEXP_EXTRACT('foothebar', 'foo(.*?)(bar)', 2)", "bar"),
    CALL("REGEXP_REPLACE", HF_FN_REGEXP_REPLACE, 3, 3, "String",
         "REGEXP_REPLACE(string1, string2, string3)", "STRING",
         "Replaces every match of string2 in string1 with string3 (taken "
         "literally); NULL for an invalid expression.",
         "REGEXP_REPLACE('foobar', 'oo|ar', '')", "fb"),
    CALL("PARSE_URL", HF_FN_PARSE_URL, 2, 3, "String",
         "PARSE_URL(string1, string2 [, string3])", "STRING",
         "Part string2 (HOST, PATH, QUERY, REF, PROTOCOL, AUTHORITY, FILE, "
         "USERINFO) of URL string1, or the value of query key string3.",
         "PARSE_URL('http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1', "
         "'QUERY', 'k1')",
         "v1"),
    REFUSED("STR_TO_MAP", "String", "STR_TO_MAP(string1 [, string2, string3])",
            "returns a MAP, and holoflow has no MAP type yet"),
    /* ---------------------------------------------------- hash */
    CALL("MD5", HF_FN_HASH, 1, 1, "Hash", "MD5(string)", "STRING",
         "MD5 of the UTF-8 bytes, 32 lower-case hex digits.", "MD5('')",
         "d41d8cd98f00b204e9800998ecf8427e"),
    CALL("SHA1", HF_FN_HASH, 1, 1, "Hash", "SHA1(string)", "STRING",
         "SHA-1, 40 hex digits.", "SHA1('abc')",
         "a9993e364706816aba3e25717850c26c9cd0d89d"),
    CALL("SHA224", HF_FN_HASH, 1, 1, "Hash", "SHA224(string)", "STRING",
         "SHA-224, 56 hex digits.", "CHAR_LENGTH(SHA224('abc'))", "56"),
    CALL("SHA256", HF_FN_HASH, 1, 1, "Hash", "SHA256(string)", "STRING",
         "SHA-256, 64 hex digits.", "SHA256('abc')",
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    CALL("SHA384", HF_FN_HASH, 1, 1, "Hash", "SHA384(string)", "STRING",
         "SHA-384, 96 hex digits.", "CHAR_LENGTH(SHA384('abc'))", "96"),
    CALL("SHA512", HF_FN_HASH, 1, 1, "Hash", "SHA512(string)", "STRING",
         "SHA-512, 128 hex digits.", "CHAR_LENGTH(SHA512('abc'))", "128"),
    CALL("SHA2", HF_FN_HASH, 2, 2, "Hash", "SHA2(string, hashLength)", "STRING",
         "SHA-224/256/384/512 by hashLength; NULL for another length.",
         "SHA2('abc', 256) = SHA256('abc')", "TRUE"),
    /* ---------------------------------------------------- temporal */
    SYNTAX("DATE", "Temporal",
           "DATE 'yyyy-MM-dd', TIME 'HH:mm:ss', "
           "TIMESTAMP 'yyyy-MM-dd HH:mm:ss[.fff]'",
           "DATE, TIME(p), TIMESTAMP(p)", "Date/time literals.",
           "DATE '2024-02-29'", "2024-02-29"),
    SYNTAX("INTERVAL", "Temporal", "INTERVAL 'text' unit [TO unit]", "INTERVAL",
           "An interval: YEAR, YEAR TO MONTH, MONTH give months; DAY, HOUR, "
           "MINUTE, SECOND and DAY TO SECOND ranges give a duration. "
           "timepoint +/- interval, interval * number.",
           "TIMESTAMP '2024-01-31 00:00:00' + INTERVAL '1' MONTH",
           "2024-02-29 00:00:00"),
    CALL("CURRENT_TIMESTAMP", HF_FN_NOW, 0, 0, "Temporal", "CURRENT_TIMESTAMP",
         "TIMESTAMP_LTZ(3) NOT NULL", "The current instant, per row.", NULL,
         NULL),
    CALL("NOW", HF_FN_NOW, 0, 0, "Temporal", "NOW()",
         "TIMESTAMP_LTZ(3) NOT NULL", "Same as CURRENT_TIMESTAMP.", NULL, NULL),
    CALL("CURRENT_ROW_TIMESTAMP", HF_FN_NOW, 0, 0, "Temporal",
         "CURRENT_ROW_TIMESTAMP()", "TIMESTAMP_LTZ(3) NOT NULL",
         "Same as CURRENT_TIMESTAMP.", NULL, NULL),
    CALL("PROCTIME", HF_FN_NOW, 0, 0, "Temporal", "PROCTIME()",
         "TIMESTAMP_LTZ(3) NOT NULL", "The processing time, per row.", NULL,
         NULL),
    CALL("LOCALTIMESTAMP", HF_FN_LOCALTIMESTAMP, 0, 0, "Temporal",
         "LOCALTIMESTAMP", "TIMESTAMP(3) NOT NULL",
         "The current wall-clock time of the session time zone.", NULL, NULL),
    CALL("CURRENT_DATE", HF_FN_CURRENT_DATE, 0, 0, "Temporal", "CURRENT_DATE",
         "DATE NOT NULL", "Today in the session time zone.", NULL, NULL),
    CALL("CURRENT_TIME", HF_FN_CURRENT_TIME, 0, 0, "Temporal", "CURRENT_TIME",
         "TIME(0) NOT NULL", "The time of day in the session time zone.", NULL,
         NULL),
    CALL("LOCALTIME", HF_FN_CURRENT_TIME, 0, 0, "Temporal", "LOCALTIME",
         "TIME(0) NOT NULL", "Same as CURRENT_TIME.", NULL, NULL),
    CALL("DATE_FORMAT", HF_FN_DATE_FORMAT, 2, 2, "Temporal",
         "DATE_FORMAT(timestamp | date | string, format)", "STRING",
         "Formats with Java pattern letters (y M d H h m s S a E D "
         "'text'); a string is read as 'yyyy-MM-dd HH:mm:ss' first; "
         "TIMESTAMP_LTZ in the session time zone.",
         "DATE_FORMAT(TIMESTAMP '2024-01-31 12:34:56', 'yyyy/MM/dd HH:mm')",
         "2024/01/31 12:34"),
    CALL("TO_TIMESTAMP", HF_FN_TO_TIMESTAMP, 1, 2, "Temporal",
         "TO_TIMESTAMP(string1 [, string2])", "TIMESTAMP(3)",
         "Parses string1 with format string2 (default 'yyyy-MM-dd "
         "HH:mm:ss'); NULL when it does not parse.",
         "TO_TIMESTAMP('2024-01-31 12:34:56')", "2024-01-31 12:34:56.000"),
    CALL("TO_TIMESTAMP_LTZ", HF_FN_TO_TIMESTAMP_LTZ, 1, 2, "Temporal",
         "TO_TIMESTAMP_LTZ(numeric, precision)", "TIMESTAMP_LTZ(3)",
         "Epoch seconds (precision 0) or milliseconds (3, the default) as "
         "an instant; NULL outside years 0000-9999.",
         "TO_TIMESTAMP_LTZ(1700000000, 0)", "2023-11-14 22:13:20.000"),
    CALL("TO_DATE", HF_FN_TO_DATE, 1, 2, "Temporal",
         "TO_DATE(string1 [, string2])", "DATE",
         "Parses a date with format string2 (default 'yyyy-MM-dd'); NULL "
         "when it does not parse.",
         "TO_DATE('31/01/2024', 'dd/MM/yyyy')", "2024-01-31"),
    CALL("FROM_UNIXTIME", HF_FN_FROM_UNIXTIME, 1, 2, "Temporal",
         "FROM_UNIXTIME(numeric [, string])", "STRING",
         "Epoch seconds formatted in the session time zone (default "
         "'yyyy-MM-dd HH:mm:ss').",
         "FROM_UNIXTIME(44)", "1970-01-01 00:00:44"),
    CALL("UNIX_TIMESTAMP", HF_FN_UNIX_TIMESTAMP, 0, 2, "Temporal",
         "UNIX_TIMESTAMP([string1 [, string2]])", "BIGINT",
         "Now in epoch seconds, or string1 parsed with format string2 in the "
         "session time zone; -9223372036854775808 when it does not parse.",
         "UNIX_TIMESTAMP('1970-01-01 08:00:01')", "28801"),
    CALL("EXTRACT", HF_FN_EXTRACT, 2, 2, "Temporal",
         "EXTRACT(unit FROM temporal)", "BIGINT",
         "A field: MILLENNIUM CENTURY DECADE YEAR ISOYEAR QUARTER MONTH WEEK "
         "DAY DOY DOW ISODOW HOUR MINUTE SECOND MILLISECOND MICROSECOND "
         "NANOSECOND EPOCH, or of an interval.",
         "EXTRACT(DAY FROM DATE '2006-06-05')", "5"),
    CALL("YEAR", HF_FN_EXTRACT, 1, 1, "Temporal", "YEAR(date)", "BIGINT",
         "EXTRACT(YEAR FROM date).", "YEAR(DATE '1994-09-27')", "1994"),
    CALL("QUARTER", HF_FN_EXTRACT, 1, 1, "Temporal", "QUARTER(date)", "BIGINT",
         "EXTRACT(QUARTER FROM date), 1-4.", "QUARTER(DATE '1994-09-27')", "3"),
    CALL("MONTH", HF_FN_EXTRACT, 1, 1, "Temporal", "MONTH(date)", "BIGINT",
         "EXTRACT(MONTH FROM date), 1-12.", "MONTH(DATE '1994-09-27')", "9"),
    CALL("WEEK", HF_FN_EXTRACT, 1, 1, "Temporal", "WEEK(date)", "BIGINT",
         "ISO week of the year, 1-53.", "WEEK(DATE '1994-09-27')", "39"),
    CALL("DAYOFYEAR", HF_FN_EXTRACT, 1, 1, "Temporal", "DAYOFYEAR(date)",
         "BIGINT", "Day of the year, 1-366.", "DAYOFYEAR(DATE '1994-09-27')",
         "270"),
    CALL("DAYOFMONTH", HF_FN_EXTRACT, 1, 1, "Temporal", "DAYOFMONTH(date)",
         "BIGINT", "Day of the month, 1-31.", "DAYOFMONTH(DATE '1994-09-27')",
         "27"),
    CALL("DAYOFWEEK", HF_FN_EXTRACT, 1, 1, "Temporal", "DAYOFWEEK(date)",
         "BIGINT", "Day of the week, 1 (Sunday) to 7.",
         "DAYOFWEEK(DATE '1994-09-27')", "3"),
    CALL("HOUR", HF_FN_EXTRACT, 1, 1, "Temporal", "HOUR(timestamp)", "BIGINT",
         "Hour of the day, 0-23.", "HOUR(TIMESTAMP '1994-09-27 13:14:15')",
         "13"),
    CALL("MINUTE", HF_FN_EXTRACT, 1, 1, "Temporal", "MINUTE(timestamp)",
         "BIGINT", "Minute of the hour.",
         "MINUTE(TIMESTAMP '1994-09-27 13:14:15')", "14"),
    CALL("SECOND", HF_FN_EXTRACT, 1, 1, "Temporal", "SECOND(timestamp)",
         "BIGINT", "Second of the minute.",
         "SECOND(TIMESTAMP '1994-09-27 13:14:15')", "15"),
    CALL("TIMESTAMPADD", HF_FN_TIMESTAMPADD, 3, 3, "Temporal",
         "TIMESTAMPADD(unit, integer, timepoint)",
         "the timepoint's type (a DATE plus a unit below DAY gives "
         "TIMESTAMP)",
         "Adds integer units (YEAR QUARTER MONTH WEEK DAY HOUR MINUTE "
         "SECOND); months keep the day, clamped to the month's end.",
         "TIMESTAMPADD(WEEK, 1, DATE '2003-01-02')", "2003-01-09"),
    CALL("TIMESTAMPDIFF", HF_FN_TIMESTAMPDIFF, 3, 3, "Temporal",
         "TIMESTAMPDIFF(unit, timepoint1, timepoint2)", "INT",
         "Whole units from timepoint1 to timepoint2 (signed).",
         "TIMESTAMPDIFF(DAY, TIMESTAMP '2003-01-02 10:00:00', TIMESTAMP "
         "'2003-01-03 09:00:00')",
         "0"),
    CALL("CONVERT_TZ", HF_FN_CONVERT_TZ, 3, 3, "Temporal",
         "CONVERT_TZ(string1, string2, string3)", "STRING",
         "Reads 'yyyy-MM-dd HH:mm:ss' in zone string2 and prints it in zone "
         "string3.",
         "CONVERT_TZ('1970-01-01 00:00:00', 'UTC', 'America/Los_Angeles')",
         "1969-12-31 16:00:00"),
    REFUSED("DATE_ADD", "Temporal", "DATE_ADD(date, n)",
            "not a Flink SQL function (it is Hive's); use "
            "TIMESTAMPADD(DAY, n, date) or date + INTERVAL 'n' DAY"),
    REFUSED("DATE_SUB", "Temporal", "DATE_SUB(date, n)",
            "not a Flink SQL function (it is Hive's); use "
            "TIMESTAMPADD(DAY, -n, date) or date - INTERVAL 'n' DAY"),
    REFUSED("CURRENT_WATERMARK", "Temporal", "CURRENT_WATERMARK(rowtime)",
            "needs event-time watermarks, which holoflow does not track yet"),
    /* ---------------------------------------------------- conditional */
    SYNTAX("CASE", "Conditional",
           "CASE [value] WHEN ... THEN ... [ELSE ...] END",
           "common type of the results",
           "The first matching branch; NULL when none matches and there is "
           "no ELSE.",
           "CASE 2 WHEN 1 THEN 'a' WHEN 2 THEN 'b' END", "b"),
    CALL("COALESCE", HF_FN_NONE, 1, -1, "Conditional",
         "COALESCE(value1 [, value2]*)", "common type",
         "The first non-NULL argument.", "COALESCE(NULL, 'default')",
         "default"),
    CALL("IFNULL", HF_FN_NONE, 2, 2, "Conditional",
         "IFNULL(input, null_replacement)", "common type",
         "null_replacement when input is NULL.", "IFNULL(CAST(NULL AS INT), 5)",
         "5"),
    CALL("IF", HF_FN_NONE, 3, 3, "Conditional",
         "IF(condition, true_value, false_value)", "common type",
         "true_value when condition is TRUE, else false_value.",
         "IF(5 > 3, 5, 3)", "5"),
    CALL("NULLIF", HF_FN_NULLIF, 2, 2, "Conditional", "NULLIF(value1, value2)",
         "common type, nullable", "NULL when value1 = value2, else value1.",
         "NULLIF(5, 5)", "NULL"),
    CALL("GREATEST", HF_FN_GREATEST, 1, -1, "Conditional",
         "GREATEST(value1 [, value2]*)", "common type",
         "The largest argument; NULL when any is NULL.", "GREATEST(1, 3, 2)",
         "3"),
    CALL("LEAST", HF_FN_GREATEST, 1, -1, "Conditional",
         "LEAST(value1 [, value2]*)", "common type",
         "The smallest argument; NULL when any is NULL.", "LEAST(1, 3, 2)",
         "1"),
    /* ---------------------------------------------------- conversion */
    SYNTAX("CAST", "Conversion", "CAST(value AS type)", "type",
           "Converts; a value that does not convert fails the row.",
           "CAST('42' AS INT)", "42"),
    SYNTAX("TRY_CAST", "Conversion", "TRY_CAST(value AS type)",
           "type, nullable", "Like CAST but NULL when it does not convert.",
           "TRY_CAST('non-number' AS INT)", "NULL"),
    /* ---------------------------------------------------- JSON */
    SYNTAX("IS JSON", "JSON",
           "string IS [NOT] JSON [VALUE | SCALAR | ARRAY | OBJECT]",
           "BOOLEAN NOT NULL", "Whether string is JSON of the kind.",
           "'{}' IS JSON OBJECT", "TRUE"),
    CALL("JSON_EXISTS", HF_FN_JSON_EXISTS, 2, 3, "JSON",
         "JSON_EXISTS(json, path [{TRUE | FALSE | UNKNOWN | ERROR} ON "
         "ERROR])",
         "BOOLEAN", "Whether path selects something in json.",
         "JSON_EXISTS('{\"a\": [{ \"b\": 1 }]}', '$.a[0].b')", "TRUE"),
    CALL("JSON_VALUE", HF_FN_JSON_VALUE, 2, 6, "JSON",
         "JSON_VALUE(json, path [RETURNING type] [{NULL | ERROR | DEFAULT "
         "expr} ON EMPTY] [{NULL | ERROR | DEFAULT expr} ON ERROR])",
         "STRING, or the RETURNING type",
         "The scalar at path (paths: $, .key, ['key'], [n], [*], .*; lax "
         "or strict).",
         "JSON_VALUE('{\"a.b\": [0.998,0.996]}', '$.[\"a.b\"][0]' RETURNING "
         "DOUBLE)",
         "0.998"),
    CALL("JSON_QUERY", HF_FN_JSON_QUERY, 2, 5, "JSON",
         "JSON_QUERY(json, path [{WITHOUT | WITH [CONDITIONAL | "
         "UNCONDITIONAL]} [ARRAY] WRAPPER] [{NULL | EMPTY ARRAY | EMPTY "
         "OBJECT | ERROR} ON EMPTY] [... ON ERROR])",
         "STRING", "The JSON object or array at path, as text.",
         "JSON_QUERY('{\"a\":[{\"c\":\"c1\"},{\"c\":\"c2\"}]}', 'lax "
         "$.a[*].c')",
         "[\"c1\",\"c2\"]"),
    CALL("JSON_STRING", HF_FN_JSON_STRING, 1, 1, "JSON", "JSON_STRING(value)",
         "STRING", "value serialized as JSON; NULL for NULL.",
         "JSON_STRING('Hello, World!')", "\"Hello, World!\""),
    CALL("JSON_OBJECT", HF_FN_JSON_OBJECT, 1, -1, "JSON",
         "JSON_OBJECT([[KEY] key VALUE value]* [{NULL | ABSENT} ON NULL])",
         "STRING NOT NULL",
         "A JSON object; values from JSON_OBJECT/JSON_ARRAY nest as JSON.",
         "JSON_OBJECT('K1' VALUE 'V1', 'K2' VALUE 'V2')",
         "{\"K1\":\"V1\",\"K2\":\"V2\"}"),
    CALL("JSON_ARRAY", HF_FN_JSON_ARRAY, 1, -1, "JSON",
         "JSON_ARRAY([value]* [{NULL | ABSENT} ON NULL])", "STRING NOT NULL",
         "A JSON array (NULL elements left out unless NULL ON NULL).",
         "JSON_ARRAY(1, '2')", "[1,\"2\"]"),
    CALL("IS_JSON", HF_FN_IS_JSON, 2, 2, "JSON", "(the IS JSON predicate)",
         "BOOLEAN NOT NULL", "Internal form of IS JSON.", "'[]' IS JSON",
         "TRUE"),
};

const size_t hf_fn_count = sizeof hf_fn_table / sizeof hf_fn_table[0];

const struct hf_fn_info *hf_fn_lookup(const char *name)
{
    for (size_t i = 0; i < hf_fn_count; i++)
        if (hf_fn_table[i].kind != HF_FNK_SYNTAX &&
            strcmp(hf_fn_table[i].name, name) == 0)
            return &hf_fn_table[i];
    return NULL;
}

const char *hf_fn_suggest(const char *name)
{
    const char *best = NULL;
    size_t bd = SIZE_MAX;
    char up[64];
    size_t k = 0;
    for (; name[k] && k + 1 < sizeof up; k++)
        up[k] = (char)toupper((unsigned char)name[k]);
    up[k] = '\0';
    for (size_t i = 0; i < hf_fn_count; i++) {
        if (hf_fn_table[i].kind != HF_FNK_CALL ||
            strcmp(hf_fn_table[i].name, "IS_JSON") == 0)
            continue;
        size_t d = hf_edit_distance(up, hf_fn_table[i].name);
        if (d < bd) {
            bd = d;
            best = hf_fn_table[i].name;
        }
    }
    return bd <= 2 ? best : NULL;
}

/* Markdown table cell: '|' escaped, backquoted when code. */
static void cell(struct hf_strbuf *out, const char *s, bool code)
{
    if (s == NULL || s[0] == '\0') {
        hf_strbuf_puts(out, " |");
        return;
    }
    hf_strbuf_puts(out, code ? " `" : " ");
    for (const char *c = s; *c; c++) {
        if (*c == '|')
            hf_strbuf_puts(out, code ? "\\|" : "\\|");
        else
            hf_strbuf_putc(out, *c);
    }
    hf_strbuf_puts(out, code ? "` |" : " |");
}

void hf_fn_doc_markdown(struct hf_strbuf *out)
{
    hf_strbuf_puts(
        out, "<!-- Generated by `holoflow options --write-docs`; do not edit. "
             "-->\n# Built-in functions\n\n"
             "The functions and operators holoflow evaluates, with Flink's "
             "semantics: a NULL argument gives NULL unless the entry says "
             "otherwise; integer overflow and division by zero fail the row; "
             "the session time zone is `table.local-time-zone` (default UTC). "
             "Each example is evaluated by the unit tests.\n");
    for (const char *const *g = groups; *g; g++) {
        hf_strbuf_printf(out,
                         "\n## %s\n\n| Function | Returns | Description | "
                         "Example | Result |\n|---|---|---|---|---|\n",
                         *g);
        for (size_t i = 0; i < hf_fn_count; i++) {
            const struct hf_fn_info *f = &hf_fn_table[i];
            if (f->kind == HF_FNK_REFUSED || strcmp(f->group, *g) != 0 ||
                strcmp(f->name, "IS_JSON") == 0)
                continue;
            hf_strbuf_putc(out, '|');
            cell(out, f->syntax, true);
            cell(out, f->returns, false);
            cell(out, f->doc, false);
            cell(out, f->example, true);
            cell(out, f->result ? f->result : "(varies)", f->result != NULL);
            hf_strbuf_putc(out, '\n');
        }
    }
    hf_strbuf_puts(out, "\n## Refused\n\nThese names are Flink's (or are "
                        "often taken for Flink's) but holoflow refuses them "
                        "at plan time, naming the reason:\n\n"
                        "| Function | Why |\n|---|---|\n");
    for (size_t i = 0; i < hf_fn_count; i++) {
        const struct hf_fn_info *f = &hf_fn_table[i];
        if (f->kind != HF_FNK_REFUSED)
            continue;
        hf_strbuf_putc(out, '|');
        cell(out, f->syntax, true);
        cell(out, f->doc, false);
        hf_strbuf_putc(out, '\n');
    }
}
