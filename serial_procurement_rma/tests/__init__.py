from . import test_rma_flow
from . import test_rma_tour
