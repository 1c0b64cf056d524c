"""holoflow.DataType: Flink SQL types for ``schema`` arguments.

``schema={"event_id": DataType.bigint(), "user": DataType.string()}`` as in
002_*'s examples. A DataType is its Flink SQL spelling (``str(t)`` gives
``"BIGINT"``, ``"DECIMAL(38, 2)"``, ``"ARRAY<INT>"``); the writer declares
the column with it, exactly as a Flink job's sink table would, and the
engine checks it against the target table.
"""

__all__ = ["DataType"]


class DataType:
    """A Flink SQL type. Build one with the class methods."""

    __slots__ = ("sql",)

    def __init__(self, sql):
        if not isinstance(sql, str) or not sql.strip():
            raise TypeError("DataType(sql): sql must be a non-empty str")
        self.sql = sql

    def __repr__(self):
        return "DataType(%r)" % self.sql

    def __str__(self):
        return self.sql

    def __eq__(self, other):
        return isinstance(other, DataType) and other.sql == self.sql

    def __hash__(self):
        return hash(self.sql)

    @classmethod
    def boolean(cls):
        """BOOLEAN"""
        return cls("BOOLEAN")

    @classmethod
    def tinyint(cls):
        """TINYINT (stored as smallint)"""
        return cls("TINYINT")

    @classmethod
    def smallint(cls):
        """SMALLINT"""
        return cls("SMALLINT")

    @classmethod
    def int(cls):
        """INT"""
        return cls("INT")

    @classmethod
    def bigint(cls):
        """BIGINT"""
        return cls("BIGINT")

    @classmethod
    def float(cls):
        """FLOAT (4 bytes)"""
        return cls("FLOAT")

    @classmethod
    def double(cls):
        """DOUBLE"""
        return cls("DOUBLE")

    @classmethod
    def decimal(cls, precision=10, scale=0):
        """DECIMAL(precision, scale), precision up to 38"""
        return cls("DECIMAL(%d, %d)" % (precision, scale))

    @classmethod
    def string(cls):
        """STRING"""
        return cls("STRING")

    @classmethod
    def varchar(cls, length):
        """VARCHAR(length)"""
        return cls("VARCHAR(%d)" % length)

    @classmethod
    def char(cls, length):
        """CHAR(length)"""
        return cls("CHAR(%d)" % length)

    @classmethod
    def bytes(cls):
        """BYTES (bytea)"""
        return cls("BYTES")

    @classmethod
    def date(cls):
        """DATE"""
        return cls("DATE")

    @classmethod
    def time(cls, precision=0):
        """TIME(precision)"""
        return cls("TIME(%d)" % precision)

    @classmethod
    def timestamp(cls, precision=6):
        """TIMESTAMP(precision): wall-clock time without a zone"""
        return cls("TIMESTAMP(%d)" % precision)

    @classmethod
    def timestamp_ltz(cls, precision=6):
        """TIMESTAMP_LTZ(precision): an instant (timestamptz)"""
        return cls("TIMESTAMP_LTZ(%d)" % precision)

    @classmethod
    def array(cls, element):
        """ARRAY<element>"""
        return cls("ARRAY<%s>" % (element.sql if isinstance(element, DataType)
                                  else element))
