CREATE TABLE IF NOT EXISTS chaos_write (
  id BIGINT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  instance VARCHAR(16) NOT NULL,
  INDEX chaos_write_customer (customer_id)
);
CREATE TABLE IF NOT EXISTS chaos_clock (
  id INT PRIMARY KEY,
  seq BIGINT NOT NULL
);
INSERT IGNORE INTO chaos_clock (id, seq) VALUES (1, 0);
