"""The graded components, each declared once (grader/components/<file>.py); the tables below derive from them."""
from . import batchnorm, conv, deep_convnet, kaiming, maxpool, save_load, three_layer_convnet, training

# The component files in the order students see their components (reports, docs/catalog.md, charges).
FILES = (conv, maxpool, batchnorm, kaiming, three_layer_convnet, deep_convnet, save_load, training)
DECLARED = tuple(component for f in FILES for component in f.COMPONENTS)

COMPONENTS = tuple(c.id for c in DECLARED)
COMPONENT_NAMES = {c.id: c.name for c in DECLARED}      # the names students know them by
POINTS = {c.id: c.points for c in DECLARED}             # sum 100; split evenly among a component's graded checks
PROCEDURES = {c.id: c.procedure for c in DECLARED}
