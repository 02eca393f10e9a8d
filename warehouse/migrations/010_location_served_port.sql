-- Rail stations of a port know the port they serve: routes that leave or enter a railway there cross the Caspian.
ALTER TABLE core.dim_location ADD COLUMN served_port_code VARCHAR;
