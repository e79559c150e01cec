CREATE TABLE IF NOT EXISTS orders (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  note VARCHAR(100),
  INDEX orders_customer (customer_id)
);
CREATE TABLE IF NOT EXISTS ledger (
  id VARCHAR(36) PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  INDEX ledger_customer (customer_id)
);
