import sys

from orchestration.webserver.server import main

sys.exit(main(sys.argv[1:]))
