"""Everything that reads or writes files: the one side of the flow that touches the disk.

``files`` opens and writes safely; ``yaml_reader`` turns YAML text into plain values with
located problems; ``loading`` validates profiles and datasets into records (through
``cache``); ``bundled`` loads imgplan's own data files; ``importing`` reads spreadsheets;
``validate`` checks files for the ``validate`` command. Nothing in the core imports this
package: the cli loads, then hands records to the core.
"""
