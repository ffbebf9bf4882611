"""The requester portal ("Portal HAI-DJPb" channel): self-registration with an emailed
activation link, and a requester's own tickets."""
