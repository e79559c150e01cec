package dev.shardline.it.nodatabase;

import org.springframework.data.jpa.repository.JpaRepository;

/** A Spring Data JPA repository: created only if a DataSource (and so JPA) is configured. */
public interface NoteRepository extends JpaRepository<Note, Long> {

}
