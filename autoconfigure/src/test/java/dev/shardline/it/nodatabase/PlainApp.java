package dev.shardline.it.nodatabase;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** The same application without exclusions on its annotation (they come from properties, if any). */
@SpringBootConfiguration
@EnableAutoConfiguration
public class PlainApp {

}
