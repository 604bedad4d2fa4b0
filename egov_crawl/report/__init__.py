"""Reports: tabular exports of scores (columns declared once) for analysts; HTML reports come later."""
