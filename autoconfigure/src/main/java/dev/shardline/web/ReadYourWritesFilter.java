package dev.shardline.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;

import dev.shardline.routing.ConsistencyScope;
import dev.shardline.routing.RoutingContext;
import dev.shardline.routing.ShardRouter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * Makes each web request one unit of work for read-your-writes. With a token codec it also
 * carries the request's write positions to the client in a small signed cookie and back, so
 * the next request of the same client (the GET after a POST and redirect) reads its writes
 * too. The cookie is added before the response is committed.
 */
public final class ReadYourWritesFilter implements Filter {

	private final ShardRouter router;

	private final ConsistencyToken token;

	private final String cookieName;

	private final Duration maxAge;

	/**
	 * Creates the filter.
	 * @param router the router
	 * @param token the cookie codec, or null to keep positions within a request only
	 * @param cookieName the cookie's name
	 * @param maxAge how long a cookie is honoured
	 */
	public ReadYourWritesFilter(ShardRouter router, ConsistencyToken token, String cookieName, Duration maxAge) {
		this.router = router;
		this.token = token;
		this.cookieName = cookieName;
		this.maxAge = maxAge;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (!(request instanceof HttpServletRequest httpRequest) || !(response instanceof HttpServletResponse httpResponse)) {
			chain.doFilter(request, response);
			return;
		}
		try (RoutingContext.Scope scope = this.router.openUnitOfWork()) {
			ConsistencyScope unitOfWork = this.router.currentUnitOfWork();
			if (this.token == null || unitOfWork == null) {
				chain.doFilter(request, response);
				return;
			}
			String carried = cookie(httpRequest);
			if (carried != null) {
				unitOfWork.seed(this.router.topology(), this.token.decode(carried));
			}
			CookieWritingResponse wrapped = new CookieWritingResponse(httpResponse, unitOfWork, carried != null);
			chain.doFilter(request, wrapped);
			wrapped.writeCookie();
		}
	}

	private String cookie(HttpServletRequest request) {
		Cookie[] cookies = request.getCookies();
		if (cookies != null) {
			for (Cookie cookie : cookies) {
				if (this.cookieName.equals(cookie.getName())) {
					return cookie.getValue();
				}
			}
		}
		return null;
	}

	/** Adds the cookie at the last moment the response can still take a header. */
	private final class CookieWritingResponse extends HttpServletResponseWrapper {

		private final ConsistencyScope unitOfWork;

		private final boolean hadCookie;

		private boolean written;

		CookieWritingResponse(HttpServletResponse response, ConsistencyScope unitOfWork, boolean hadCookie) {
			super(response);
			this.unitOfWork = unitOfWork;
			this.hadCookie = hadCookie;
		}

		void writeCookie() {
			if (this.written || isCommitted() || !this.unitOfWork.hasWrites()) {
				return;
			}
			this.written = true;
			Map<String, String> positions = this.unitOfWork.positions(ReadYourWritesFilter.this.router.topology());
			Cookie cookie = new Cookie(ReadYourWritesFilter.this.cookieName,
					ReadYourWritesFilter.this.token.encode(positions));
			cookie.setHttpOnly(true);
			cookie.setPath("/");
			cookie.setMaxAge((int) ReadYourWritesFilter.this.maxAge.toSeconds());
			cookie.setAttribute("SameSite", "Lax");
			addCookie(cookie);
		}

		@Override
		public void sendRedirect(String location) throws IOException {
			writeCookie();
			super.sendRedirect(location);
		}

		@Override
		public void sendError(int sc, String msg) throws IOException {
			writeCookie();
			super.sendError(sc, msg);
		}

		@Override
		public void sendError(int sc) throws IOException {
			writeCookie();
			super.sendError(sc);
		}

		@Override
		public ServletOutputStream getOutputStream() throws IOException {
			writeCookie();
			return super.getOutputStream();
		}

		@Override
		public PrintWriter getWriter() throws IOException {
			writeCookie();
			return super.getWriter();
		}

		@Override
		public void flushBuffer() throws IOException {
			writeCookie();
			super.flushBuffer();
		}

	}

}
