from . import test_rma_flow
