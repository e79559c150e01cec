package dev.shardline.it.web;

import dev.shardline.it.jdbc.OrderStore;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A web app with the POST, redirect, GET pattern of every form. */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
		"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
@Import({ OrderStore.class, WebApp.Orders.class })
public class WebApp {

	/** Writes on POST and redirects; reads read-only on GET. */
	@RestController
	public static class Orders {

		private final OrderStore store;

		public Orders(OrderStore store) {
			this.store = store;
		}

		@PostMapping("/orders/{customer}")
		public ResponseEntity<Void> place(@PathVariable long customer) {
			this.store.insert(customer, 10);
			return ResponseEntity.status(303).header("Location", "/orders/" + customer).build();
		}

		@GetMapping("/orders/{customer}")
		public String read(@PathVariable long customer) {
			long[] seen = this.store.countAndServerId(customer);
			return seen[0] + "@" + seen[1];
		}

	}

}
