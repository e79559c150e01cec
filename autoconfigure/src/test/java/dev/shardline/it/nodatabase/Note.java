package dev.shardline.it.nodatabase;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** An entity of the database-less application: it has JPA on the class path, not a database. */
@Entity
public class Note {

	@Id
	private Long id;

	private String text;

	public Long getId() {
		return this.id;
	}

	public String getText() {
		return this.text;
	}

}
