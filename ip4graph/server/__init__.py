"""``ip4graph serve``: a SPARQL 1.1 endpoint with entity pages and a web query editor.

>>> from ip4graph.server import EndpointConfig
>>> EndpointConfig().host
'127.0.0.1'

See :mod:`ip4graph.server.web` for HTTP (Starlette on uvicorn) and the routes,
:mod:`ip4graph.server.workers` for the worker processes that run every query under a time
and memory limit, :mod:`ip4graph.server.app` for what a request does and its status codes,
:mod:`ip4graph.server.guard` for what an open endpoint refuses, :mod:`ip4graph.server.engine`
for the one place that touches the graph engine, and :mod:`ip4graph.server.pages` for the IRI
mapping.
"""

from .app import TRUNCATED_HEADER, Endpoint, EndpointConfig, Response
from .guard import Refused
from .web import EndpointServer, create_app, make_server, serve_in_thread

__all__ = ["TRUNCATED_HEADER", "Endpoint", "EndpointConfig", "EndpointServer", "Refused", "Response",
           "create_app", "make_server", "serve_in_thread"]
