from . import test_component_serials
from . import test_produce_serials
from . import test_genealogy
from . import test_rules_switch
