CREATE TABLE IF NOT EXISTS orders (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  amount BIGINT NOT NULL,
  note VARCHAR(100),
  INDEX orders_customer (customer_id)
);
