from ninja import Router

# mounted at "" under /api/v1: give full paths
router = Router(tags=["统计月报"])
