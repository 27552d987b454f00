-- depends: 0006.search-index
-- How many index rows each frequent key has (spoke/store/search.py, "Counts"), so that
-- the total of an equality search on a value most tickets share is read, not counted.
-- Numeric keys are written as Python's repr of the number.
CREATE TABLE search_counts (
    property TEXT COLLATE "C" NOT NULL,
    value TEXT COLLATE "C" NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (property, value)
);
